/** What the auditor's pages show of the trail: labels and the chain check in plain Chinese. */

export type AuditResult = 'success' | 'failure' | 'refused';

export interface AuditEntry {
  seq: number;
  at: string;
  requestId: string | null;
  ip: string | null;
  actor: { userId: string; name: string; unitId: string; roles: string[] } | null;
  username: string | null;
  action: string;
  target: string | null;
  result: AuditResult;
  status: number | null;
  details: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

export interface AuditProblem {
  seq: number;
  kind: string;
  message: string;
}

/** `GET /api/audit/verify`: older servers report only `firstProblem`, newer ones every problem in `problems`. */
export interface AuditVerification {
  ok: boolean;
  checked: number;
  firstProblem?: AuditProblem | null;
  problems?: AuditProblem[];
  problemsTruncated?: boolean;
  head: { seq: number; hash: string } | null;
}

export const RESULT_LABELS: Record<AuditResult, { label: string; color: string }> = {
  success: { label: '成功', color: 'green' },
  failure: { label: '失败', color: 'orange' },
  refused: { label: '拒绝', color: 'red' },
};

/** Actions the auth service records by name; the rest are routes (`POST /api/rectifications/:id/sign`). */
export const AUTH_ACTION_LABELS: Record<string, string> = {
  'auth.login': '登录',
  'auth.logout': '退出登录',
  'auth.refresh': '续期会话',
  'auth.lockout': '账户锁定',
  'auth.password': '修改密码',
  'auth.totp.setup': '生成动态验证码密钥',
  'auth.totp.enable': '启用动态验证码',
  'auth.policy': '设置认证策略',
};

const METHOD_LABELS: Record<string, string> = { GET: '查看', POST: '提交', PUT: '设置', PATCH: '修改', DELETE: '删除' };

/** `登录`, or `提交 /api/rectifications/:id/sign` for a route. */
export function actionLabel(action: string): string {
  const named = AUTH_ACTION_LABELS[action];
  if (named) return named;
  const [method, ...path] = action.split(' ');
  const verb = method ? METHOD_LABELS[method] : undefined;
  return verb && path.length > 0 ? `${verb} ${path.join(' ')}` : action;
}

/** Who: the signed-in user's name, or the login name typed in a login attempt. */
export function whoLabel(entry: Pick<AuditEntry, 'actor' | 'username'>): string {
  if (entry.actor) return entry.actor.name;
  return entry.username ? `登录名 ${entry.username}` : '未登录';
}

const DETAIL_LABELS: Record<string, string> = { reason: '原因', code: '错误代码', field: '字段', params: '参数', failures: '连续失败次数', totpRequiredRoles: '须用动态验证码的角色' };

const REASON_LABELS: Record<string, string> = {
  unknown_user: '登录名不存在',
  wrong_password: '密码错误',
  wrong_totp: '动态验证码错误',
  totp_required: '须输入动态验证码',
  locked: '账户已锁定',
  disabled: '账户已停用',
  rate_limited: '尝试过于频繁',
  session_ended: '会话已失效',
};

/** An entry's small details (`{ reason: 'wrong_password' }`) as `原因：密码错误` lines; unknown keys and values as stored. */
export function detailLines(details: Record<string, unknown> | null): string[] {
  if (!details) return [];
  return Object.entries(details).map(([key, value]) => {
    const text = typeof value === 'string' ? (REASON_LABELS[value] ?? value) : JSON.stringify(value);
    return `${DETAIL_LABELS[key] ?? key}：${text}`;
  });
}

const PROBLEM_LABELS: Record<string, string> = {
  changed: '内容被修改（与其哈希不符）',
  broken_link: '链接断开（未指向前一条记录）',
  gap: '记录缺失（已被删除）',
};

/** Every problem the server reported, whichever shape it answered in. */
export function problemsOf(verification: AuditVerification): AuditProblem[] {
  if (Array.isArray(verification.problems)) return verification.problems;
  return verification.firstProblem ? [verification.firstProblem] : [];
}

/** One problem in plain Chinese: the server's own Chinese sentence when it has one, without its English gloss. */
export function problemText(problem: AuditProblem): string {
  const chinese = problem.message.replace(/（[^）]*[A-Za-z][^）]*）/g, '').trim();
  const kind = PROBLEM_LABELS[problem.kind] ?? '校验不通过';
  return chinese && /[\u4e00-\u9fff]/.test(chinese) ? `第 ${problem.seq} 条：${kind}。${chinese}` : `第 ${problem.seq} 条：${kind}`;
}

/** The summary line of a chain check. */
export function verificationSummary(verification: AuditVerification): string {
  const problems = problemsOf(verification);
  if (verification.ok && problems.length === 0) {
    return verification.head
      ? `审计链完整：已校验 ${verification.checked} 条记录，没有被修改、断链或缺失的记录。最新一条为第 ${verification.head.seq} 条。`
      : '审计链完整：还没有审计记录。';
  }
  const more = verification.problemsTruncated ? '（仅列出前面部分，实际更多）' : '';
  const checked = verification.checked > 0 ? `，共校验 ${verification.checked} 条记录` : '';
  return `审计链校验不通过：发现 ${problems.length} 处问题${more}${checked}。`;
}

/** A calendar day (YYYY-MM-DD) as the instants the API takes, in China time (UTC+8), both ends included. */
export const dayStart = (day: string) => `${day}T00:00:00+08:00`;
export const dayEnd = (day: string) => `${day}T23:59:59.999+08:00`;
