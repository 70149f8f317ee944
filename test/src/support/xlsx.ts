import ExcelJS from 'exceljs';
import type { ApiClient } from './stack.js';

/** Every sheet of an XLSX workbook as rows of cell values (header first); throws when the bytes are not one. */
export async function readWorkbook(content: ArrayBuffer | Buffer): Promise<{ name: string; rows: unknown[][] }[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as ArrayBuffer);
  return workbook.worksheets.map((sheet) => {
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return { name: sheet.name, rows };
  });
}

/** Downloads an XLSX export as `as` and reads its first sheet's rows (header first). */
export async function downloadSheet(as: ApiClient, baseUrl: string, path: string): Promise<{ status: number; type: string | null; rows: unknown[][] }> {
  const response = await fetch(baseUrl + path, { headers: { authorization: `Bearer ${(as as unknown as { token: string }).token}` } });
  if (response.status !== 200) return { status: response.status, type: response.headers.get('content-type'), rows: [] };
  const sheets = await readWorkbook(await response.arrayBuffer());
  return { status: response.status, type: response.headers.get('content-type'), rows: sheets[0]!.rows };
}
