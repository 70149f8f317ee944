import { AuditLogRepository, openDatabase, reshapeReadModel, type AuditVerification } from '@duban/persistence';

/**
 * `npm run audit:verify` (tools/audit-verify.mjs): walks the audit trail's hash chain and reports every changed,
 * unlinked or missing entry. Exit code 0: intact; 1: a problem; 2: could not check (arguments, connection).
 *
 *   MONGO_URL   the database (default: the embedded FerretDB of `npm start`, mongodb://127.0.0.1:27017/duban)
 *   --from N    first seq to check (default 1)       --to N   last seq to check (default: the newest)
 *   --expect SEQ:HASH   a head noted earlier (e.g. from a previous run): the entry must still exist with that hash,
 *                       which detects a truncated tail that the chain alone cannot show
 */
interface Options {
  from?: number;
  to?: number;
  expect?: { seq: number; hash: string };
}

function parseArguments(args: readonly string[]): Options {
  const options: Options = {};
  for (let i = 0; i < args.length; i++) {
    const [name, value] = [args[i], args[i + 1]];
    if (name === '--from' || name === '--to') {
      if (!value || !/^[1-9][0-9]*$/.test(value)) throw new Error(`${name} 需要正整数（${name} needs a positive integer）`);
      options[name === '--from' ? 'from' : 'to'] = Number(value);
      i++;
    } else if (name === '--expect') {
      const match = /^([1-9][0-9]*):([0-9a-f]{64})$/.exec(value ?? '');
      if (!match) throw new Error('--expect 的格式为 序号:哈希（--expect takes SEQ:HASH）');
      options.expect = { seq: Number(match[1]), hash: match[2]! };
      i++;
    } else {
      throw new Error(`未知参数 ${name}（unknown argument ${name}）`);
    }
  }
  return options;
}

function describeVerification(result: AuditVerification): string[] {
  const head = result.head ? `最后校验的记录 第 ${result.head.seq} 条，哈希 ${result.head.hash}（last entry checked: seq ${result.head.seq}, hash ${result.head.hash}）` : '没有审计记录（no entries）';
  if (result.ok) return [`审计记录完整：已校验 ${result.checked} 条（audit trail intact: ${result.checked} entries checked）`, head];
  const kinds = { changed: '记录被修改（entry changed）', broken_link: '链接断开（broken link）', gap: '记录缺失（gap）' } as const;
  return [
    ...result.problems.flatMap((problem) => [
      `审计记录异常：第 ${problem.seq} 条 — ${kinds[problem.kind]}（audit trail NOT intact at seq ${problem.seq}: ${problem.kind}）`,
      `  ${problem.message}`,
    ]),
    ...(result.problemsTruncated ? [`另有更多异常未列出（more problems not listed）`] : []),
    `共校验 ${result.checked} 条，发现 ${result.problems.length}${result.problemsTruncated ? '+' : ''} 处异常（${result.checked} entries checked）`,
    head,
  ];
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const url = process.env.MONGO_URL ?? `mongodb://127.0.0.1:${process.env.MONGO_PORT ?? 27017}/duban`;
  process.stdout.write(`校验审计记录哈希链（verifying the audit hash chain）: ${url.replace(/\/\/[^@/]*@/, '//***@')}\n`);
  const database = await openDatabase({ url });
  try {
    // A store the API has not started on since the read-model shape changed: give its entries their batch keys first.
    await reshapeReadModel(database);
    const repository = new AuditLogRepository(database);
    const result = await repository.verify(options.from, options.to);
    for (const line of describeVerification(result)) process.stdout.write(`${line}\n`);
    if (!result.ok) return 1;
    if (options.expect) {
      const [anchor] = await database.collection('audit_log').find({ _id: options.expect.seq as never }).limit(1).toArray();
      if (!anchor || anchor.hash !== options.expect.hash) {
        process.stdout.write(
          `此前记下的第 ${options.expect.seq} 条记录${anchor ? '哈希不符' : '已不存在'}：审计记录被截断或替换（the noted entry ${options.expect.seq} is ${anchor ? 'different' : 'gone'}: the trail was truncated or replaced）\n`,
        );
        return 1;
      }
      process.stdout.write(`此前记下的第 ${options.expect.seq} 条记录仍在且未变（the noted entry ${options.expect.seq} is unchanged）\n`);
    }
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`无法校验审计记录（could not verify）: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
