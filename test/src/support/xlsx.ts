import ExcelJS from 'exceljs';
import type { ApiClient } from './stack.js';

/** Downloads an XLSX export as `as`; `rows` are its first sheet's rows (header first), `sheets` every sheet's by name. */
export async function downloadSheet(
  as: ApiClient,
  baseUrl: string,
  path: string,
): Promise<{ status: number; type: string | null; rows: unknown[][]; sheets: { name: string; rows: unknown[][] }[] }> {
  const response = await fetch(baseUrl + path, { headers: { authorization: `Bearer ${(as as unknown as { token: string }).token}` } });
  if (response.status !== 200) return { status: response.status, type: response.headers.get('content-type'), rows: [], sheets: [] };
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  const sheets = workbook.worksheets.map((sheet) => {
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return { name: sheet.name, rows };
  });
  return { status: response.status, type: response.headers.get('content-type'), rows: sheets[0]?.rows ?? [], sheets };
}
