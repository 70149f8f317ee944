import { ROLE_LABELS, SHANGHAI_OFFSET_MS, type Role } from '@duban/domain';
import type { AuditRecord, AuditResult } from '@duban/persistence';

/** UTF-8 byte order mark: Excel (WPS) opens the file as UTF-8 only with it. */
export const CSV_BOM = '\uFEFF';
export const CSV_HEADERS = ['序号', '时间', '请求编号', '来源IP', '用户', '单位', '角色', '操作', '对象', '结果', '状态码', '哈希'] as const;

export const RESULT_LABELS: Record<AuditResult, string> = { success: '成功', failure: '失败', refused: '拒绝' };

/** `2026-05-01 14:03:22.123` in Asia/Shanghai (UTC+8, no daylight saving), as the auditor reads it. */
export function shanghaiTimestamp(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().replace('T', ' ').replace('Z', '');
}

/** One CSV line (CRLF-terminated, RFC 4180) for an entry. */
export function csvLine(entry: AuditRecord): string {
  const user = entry.actor ? `${entry.actor.name}（${entry.actor.userId}）` : (entry.username ?? '');
  const roles = entry.actor ? entry.actor.roles.map((role) => ROLE_LABELS[role as Role] ?? role).join('、') : '';
  return csvRow([
    String(entry._id),
    shanghaiTimestamp(new Date(entry.at)),
    entry.requestId ?? '',
    entry.ip ?? '',
    user,
    entry.actor?.unitId ?? '',
    roles,
    entry.action,
    entry.target ?? '',
    RESULT_LABELS[entry.result] ?? String(entry.result),
    entry.status === null || entry.status === undefined ? '' : String(entry.status),
    entry.hash,
  ]);
}

export const csvHeader = (): string => CSV_BOM + csvRow([...CSV_HEADERS]);

function csvRow(cells: string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * Quotes a cell when needed and defuses spreadsheet formulas: text typed by users (a login name, a path) that
 * starts with = + - @ or a control character gets a leading apostrophe, so opening the export runs nothing.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
