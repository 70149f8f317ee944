import {
  CATEGORY_LABELS,
  LEDGER_COLUMNS,
  LIGHT_LABELS,
  NOTICE_LABELS,
  SEVERITY_LABELS,
  SOURCE_LABELS,
  STATUS_LABELS,
  UNIT_SEPARATOR,
  light,
  shanghaiDate,
} from '@duban/domain';
import type { RectificationRecord } from '@duban/persistence';

/** One ledger row (整改台账) in LEDGER_COLUMNS order: Chinese labels, unit names, Shanghai dates. */
export function ledgerRow(seq: number, r: RectificationRecord, unitName: (id: string) => string, now: Date): unknown[] {
  const current = light(r, now);
  const progress = [r.lastProgress?.summary, ...Object.entries(r.coReports ?? {}).map(([unit, report]) => `${unitName(unit)}：${report.summary}`), r.completion ? `报结：${r.completion.summary}` : undefined]
    .filter(Boolean)
    .join('\n');
  const values: Record<(typeof LEDGER_COLUMNS)[number]['key'], unknown> = {
    seq,
    source: SOURCE_LABELS[r.source] ?? r.source,
    category: CATEGORY_LABELS[r.category] ?? r.category,
    title: r.title,
    description: r.description,
    leadUnit: unitName(r.leadUnitId),
    coUnits: r.coUnitIds.map(unitName).join(UNIT_SEPARATOR),
    measures: r.plan?.measures ?? '',
    dueDate: shanghaiDate(r.dueAt),
    responsiblePerson: r.plan?.responsiblePerson ?? '',
    progress,
    status: STATUS_LABELS[r.status] ?? r.status,
    notices: r.notices.map((n) => n.number ?? NOTICE_LABELS[n.colour]).join('\n'),
    closedDate: r.closedAt ? shanghaiDate(r.closedAt) : '',
    severity: SEVERITY_LABELS[r.severity] ?? r.severity,
    light: current ? LIGHT_LABELS[current] : '',
  };
  return LEDGER_COLUMNS.map((c) => values[c.key]);
}
