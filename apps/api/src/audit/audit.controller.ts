import { Controller, Get, Inject, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { UserRepository, type AuditProblem, type AuditRecord, type AuditResult } from '@duban/persistence';
import type { Connection } from 'mongoose';
import { Readable } from 'node:stream';
import { Roles } from '../common/actor.decorator.js';
import { csvHeader, csvLine } from './audit-csv.js';
import { DATABASE } from '../infrastructure/tokens.js';
import { AuditLog } from './audit-log.service.js';
import { AuditedRead } from './audit.interceptor.js';
import { AuditPeriodDto, AuditQueryDto } from './dtos/audit-query.dto.js';

export interface AuditEntryView {
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

export interface AuditVerifyView {
  ok: boolean;
  /** Entries checked: the whole chain. */
  checked: number;
  /** Every changed, unlinked or missing entry in seq order (the first 1,000; `problemsTruncated` when more). */
  problems: AuditProblem[];
  problemsTruncated: boolean;
  /** The first of `problems` (kept for clients that read only it). */
  firstProblem: AuditProblem | null;
  /** The last entry checked; keep its seq and hash outside the system to detect a truncated tail later. */
  head: { seq: number; hash: string } | null;
}

/**
 * The audit trail, for the audit administrator only (三员分立). Read-only by design: there is no route that
 * changes or deletes an entry, and none may be added.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor')
@Controller('audit')
export class AuditController {
  private readonly users: UserRepository;

  constructor(
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(DATABASE) database: Connection,
  ) {
    this.users = new UserRepository(database);
  }

  @Get()
  @ApiOperation({ summary: '审计记录查询：按时间、用户（id 或登录名）、操作、结果筛选，最新在前，按序号分页' })
  async list(@Query() query: AuditQueryDto): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const person = query.username === undefined ? undefined : { userId: (await this.users.findByUsername(query.username))?._id ?? null, username: query.username };
    const records = await this.audit.entries.list({
      ...(query.from ? { from: new Date(query.from) } : {}),
      ...(query.to ? { to: new Date(query.to) } : {}),
      ...(query.actorId ? { actorId: query.actorId } : {}),
      ...(person ? { person } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(query.result ? { result: query.result } : {}),
      ...(query.cursor ? { before: Number(query.cursor) } : {}),
      limit,
    });
    const last = records.at(-1);
    return { items: records.map(toView), nextCursor: records.length === limit && last ? String(last._id) : null };
  }

  @Get('verify')
  @ApiOperation({ summary: '校验审计记录哈希链：列出每一条被修改、断链或缺失的记录' })
  verify(): Promise<AuditVerifyView> {
    return this.audit.entries.verify();
  }

  @Get('export')
  @AuditedRead()
  @ApiProduces('text/csv')
  @ApiOperation({ summary: '导出审计记录（CSV，UTF-8 带 BOM，中文表头），按序号升序流式输出' })
  export(@Query() query: AuditPeriodDto): StreamableFile {
    const entries = this.audit.entries.stream(query.from ? new Date(query.from) : undefined, query.to ? new Date(query.to) : undefined);
    async function* lines(): AsyncGenerator<string> {
      yield csvHeader();
      for await (const entry of entries) yield csvLine(entry);
    }
    return new StreamableFile(Readable.from(lines()), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="audit-log.csv"; filename*=UTF-8''${encodeURIComponent('审计记录')}.csv`,
    });
  }
}

function toView(record: AuditRecord): AuditEntryView {
  return {
    seq: record._id,
    at: new Date(record.at).toISOString(),
    requestId: record.requestId,
    ip: record.ip,
    actor: record.actor,
    username: record.username,
    action: record.action,
    target: record.target,
    result: record.result,
    status: record.status,
    details: record.details,
    prevHash: record.prevHash,
    hash: record.hash,
  };
}
