import { isCalendarDate } from '../time.js';
import {
  CATEGORIES,
  CATEGORY_LABELS,
  SEVERITIES,
  SEVERITY_LABELS,
  SOURCES,
  SOURCE_LABELS,
  type Category,
  type Severity,
  type Source,
} from '../rectification/vocabulary.js';

/** The fields an imported problem list row fills; each is read from the column the mapping names. */
export const IMPORT_FIELDS = ['title', 'description', 'source', 'category', 'severity', 'leadUnit', 'coUnits', 'dueDate'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export const IMPORT_FIELD_LABELS: Record<ImportField, string> = {
  title: '问题标题',
  description: '问题描述',
  source: '问题来源',
  category: '问题类别',
  severity: '严重程度',
  leadUnit: '责任单位',
  coUnits: '配合单位',
  dueDate: '整改时限',
};

/** Which column header holds each field; a field without a column is empty in every row. */
export type ColumnMapping = Partial<Record<ImportField, string>>;

/** The ledger's own headers: an exported ledger imports as it is. */
export const DEFAULT_MAPPING: Required<ColumnMapping> = { ...IMPORT_FIELD_LABELS };

/** One cell as read from the sheet: text, a number, a date (Excel dates arrive as UTC midnight) or nothing. */
export type CellValue = string | number | Date | null;

export interface UnitRef {
  readonly id: string;
  readonly name: string;
}

export interface RowError {
  /** The sheet row (1 is the header row). */
  readonly row: number;
  /** The column header (or the field's label when the file has no such column). */
  readonly column: string;
  readonly message: string;
}

/** A row that passed every check: what the registration needs. */
export interface ImportedRow {
  readonly row: number;
  readonly title: string;
  readonly description: string;
  readonly source: Source;
  readonly category: Category;
  readonly severity: Severity;
  readonly leadUnitId: string;
  readonly coUnitIds: readonly string[];
  readonly dueDate: string;
}

export interface RowContext {
  /** Every unit, to resolve names (or ids) to ids. */
  readonly units: readonly UnitRef[];
  /** Units that may not be responsible for an item (the county root, the office). */
  readonly notAssignable?: ReadonlySet<string>;
  /** Used when the file has no source column or the cell is empty. */
  readonly defaultSource?: Source;
  /** Today in Shanghai (YYYY-MM-DD): a past deadline is allowed (the item starts red), but reported as a warning. */
  readonly today: string;
}

const text = (value: CellValue | undefined): string => {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).replace(/\s+/g, ' ').trim();
};

function byLabelOrCode<T extends string>(codes: readonly T[], labels: Record<T, string>, value: string): T | null {
  const found = codes.find((code) => code === value || labels[code] === value);
  return found ?? null;
}

/** A deadline as written in problem lists: 2026-03-31, 2026/3/31, 2026.3.31, 2026年3月31日, or an Excel date. */
export function parseDate(value: CellValue | undefined): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  const raw = text(value);
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(raw);
  if (!m) return null;
  const date = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return isCalendarDate(date) ? date : null;
}

/** Resolves a unit written by name (as the ledger does) or by id; null when unknown or ambiguous. */
function resolveUnit(units: readonly UnitRef[], value: string): { id: string } | { problem: string } {
  const byId = units.find((u) => u.id === value);
  if (byId) return { id: byId.id };
  const byName = units.filter((u) => u.name === value);
  if (byName.length === 1) return { id: byName[0]!.id };
  if (byName.length > 1) return { problem: `单位名称“${value}”不唯一，请填写单位编码` };
  return { problem: `未知单位“${value}”` };
}

/**
 * Checks one row of a problem list; every problem is reported with its column, so a preview lists them all.
 * `cells` holds the row's values by field (already read through the column mapping).
 */
export function validateRow(
  row: number,
  cells: Partial<Record<ImportField, CellValue>>,
  mapping: ColumnMapping,
  context: RowContext,
): { value: ImportedRow | null; errors: RowError[] } {
  const errors: RowError[] = [];
  const column = (field: ImportField) => mapping[field] ?? IMPORT_FIELD_LABELS[field];
  const fail = (field: ImportField, message: string) => errors.push({ row, column: column(field), message });

  const description = text(cells.description);
  if (!description) fail('description', '问题描述不能为空');
  else if (description.length > 5000) fail('description', '问题描述超过 5000 字');
  // A list without titles: the description's beginning serves as the title.
  const title = text(cells.title) || description.slice(0, 60);
  if (title.length > 200) fail('title', '问题标题超过 200 字');

  const sourceText = text(cells.source);
  const source = sourceText ? byLabelOrCode(SOURCES, SOURCE_LABELS, sourceText) : (context.defaultSource ?? null);
  if (!source) fail('source', sourceText ? `未知问题来源“${sourceText}”` : '问题来源不能为空');

  const categoryText = text(cells.category);
  const category = categoryText ? byLabelOrCode(CATEGORIES, CATEGORY_LABELS, categoryText) : null;
  if (!category) fail('category', categoryText ? `未知问题类别“${categoryText}”` : '问题类别不能为空');

  const severityText = text(cells.severity);
  const severity = severityText ? byLabelOrCode(SEVERITIES, SEVERITY_LABELS, severityText) : 'general';
  if (!severity) fail('severity', `未知严重程度“${severityText}”`);

  let leadUnitId: string | null = null;
  const leadText = text(cells.leadUnit);
  if (!leadText) fail('leadUnit', '责任单位不能为空');
  else {
    const lead = resolveUnit(context.units, leadText);
    if ('problem' in lead) fail('leadUnit', lead.problem);
    else if (context.notAssignable?.has(lead.id)) fail('leadUnit', `“${leadText}”不能作为责任单位`);
    else leadUnitId = lead.id;
  }

  const coUnitIds: string[] = [];
  for (const name of text(cells.coUnits).split(/[、,，;；]/).map((s) => s.trim()).filter(Boolean)) {
    const co = resolveUnit(context.units, name);
    if ('problem' in co) fail('coUnits', co.problem);
    else if (co.id === leadUnitId) fail('coUnits', '配合单位不能包含责任单位');
    else if (!coUnitIds.includes(co.id)) coUnitIds.push(co.id);
  }

  const dueDate = parseDate(cells.dueDate);
  if (!dueDate) fail('dueDate', text(cells.dueDate) ? `整改时限“${text(cells.dueDate)}”不是有效日期` : '整改时限不能为空');

  if (errors.length > 0 || !source || !category || !severity || !leadUnitId || !dueDate) return { value: null, errors };
  return { value: { row, title, description, source, category, severity, leadUnitId, coUnitIds, dueDate }, errors };
}

/**
 * The row's normalized content: what makes two rows the same problem. Whitespace is collapsed, co-units sorted,
 * the row number left out — the same list imported again (or re-sorted) yields the same fingerprints.
 */
export function rowFingerprint(row: Omit<ImportedRow, 'row'>): string {
  return JSON.stringify([
    'duban-import-v1',
    row.title,
    row.description,
    row.source,
    row.category,
    row.severity,
    row.leadUnitId,
    [...row.coUnitIds].sort(),
    row.dueDate,
  ]);
}

/**
 * A uuid from a SHA-256 digest (hex) of the fingerprint: the first 128 bits with the version and variant bits set
 * to those of a v4 uuid, because item routes accept v4 ids (a name-based id in a v4 shape).
 */
export function uuidFromDigest(hex: string): string {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new RangeError('not a sha-256 hex digest');
  const h = hex.slice(0, 32).split('');
  h[12] = '4';
  h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}
