/** The columns of the rectification ledger (整改台账), in order; the import's default mapping reads the same headers. */
export const LEDGER_COLUMNS = [
  { key: 'seq', header: '序号', width: 6 },
  { key: 'source', header: '问题来源', width: 14 },
  { key: 'category', header: '问题类别', width: 10 },
  { key: 'title', header: '问题标题', width: 30 },
  { key: 'description', header: '问题描述', width: 50 },
  { key: 'leadUnit', header: '责任单位', width: 20 },
  { key: 'coUnits', header: '配合单位', width: 20 },
  { key: 'measures', header: '整改措施', width: 40 },
  { key: 'dueDate', header: '整改时限', width: 12 },
  { key: 'responsiblePerson', header: '责任人', width: 10 },
  { key: 'progress', header: '整改进展', width: 40 },
  { key: 'status', header: '状态', width: 14 },
  { key: 'notices', header: '督办单', width: 30 },
  { key: 'closedDate', header: '销号时间', width: 12 },
  { key: 'severity', header: '严重程度', width: 8 },
  { key: 'light', header: '亮灯', width: 6 },
] as const;
export type LedgerColumnKey = (typeof LEDGER_COLUMNS)[number]['key'];

/** Separator of several units in one cell (配合单位). */
export const UNIT_SEPARATOR = '、';
