import ExcelJS from 'exceljs';
import type { ApiClient } from './stack.js';

/** Downloads an XLSX export as `as` and reads its first sheet's rows (header first). */
export async function downloadSheet(as: ApiClient, baseUrl: string, path: string): Promise<{ status: number; type: string | null; rows: unknown[][] }> {
  const response = await fetch(baseUrl + path, { headers: { authorization: `Bearer ${(as as unknown as { token: string }).token}` } });
  if (response.status !== 200) return { status: response.status, type: response.headers.get('content-type'), rows: [] };
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  const rows: unknown[][] = [];
  workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return { status: response.status, type: response.headers.get('content-type'), rows };
}
