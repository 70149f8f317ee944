import ExcelJS from 'exceljs';
import type { CellValue } from '@duban/domain';
import { boundWorkbook } from './workbook-bounds.js';

/** Most rows one import takes (a county's problem list is hundreds of rows; the file limit is 5 MiB). */
export const MAX_IMPORT_ROWS = 5000;

export interface Sheet {
  readonly headers: string[];
  /** Data rows with their sheet row number (the header is row 1), empty rows left out. */
  readonly rows: { row: number; cells: Map<string, CellValue> }[];
}

/** A parsed sheet, or what is wrong with the file (in Chinese, for the user). */
export type ParsedSheet = { readonly sheet: Sheet } | { readonly problem: string };

/**
 * Reads the first worksheet: row 1 holds the headers, each later non-empty row one problem. The workbook is
 * bounded first (workbook-bounds.ts). CPU-heavy: run off the event loop (read-sheet.ts runs it in a worker).
 */
export async function parseSheet(content: Uint8Array): Promise<ParsedSheet> {
  const bounded = boundWorkbook(content);
  if ('problem' in bounded) return bounded;
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bounded.content as unknown as ArrayBuffer);
  } catch {
    return { problem: '文件不是有效的 XLSX 工作簿' };
  }
  const sheet = workbook.worksheets[0];
  if (!sheet || sheet.rowCount < 1) return { problem: '工作簿中没有工作表或表头' };
  const headerRow = sheet.getRow(1);
  const headers: string[] = [];
  headerRow.eachCell({ includeEmpty: true }, (cell, col) => {
    headers[col] = cellText(cell.value);
  });
  if (headers.filter(Boolean).length === 0) return { problem: '第 1 行应为表头' };
  const rows: Sheet['rows'] = [];
  for (let r = 2; r <= sheet.rowCount; r += 1) {
    const cells = new Map<string, CellValue>();
    sheet.getRow(r).eachCell({ includeEmpty: false }, (cell, col) => {
      const header = headers[col];
      const value = cellValue(cell.value);
      if (header && value !== null && value !== '') cells.set(header, value);
    });
    if (cells.size === 0) continue;
    if (rows.length >= MAX_IMPORT_ROWS) return { problem: `一次最多导入 ${MAX_IMPORT_ROWS} 行` };
    rows.push({ row: r, cells });
  }
  return { sheet: { headers: headers.filter(Boolean), rows } };
}

function cellValue(value: ExcelJS.CellValue): CellValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  return cellText(value);
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((t) => t.text).join('').trim();
    if ('text' in value && typeof value.text === 'string') return value.text.trim();
    if ('result' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
  }
  return '';
}
