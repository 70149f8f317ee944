import ExcelJS from 'exceljs';
import { PassThrough, type Readable } from 'node:stream';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface SheetColumn {
  readonly header: string;
  readonly width: number;
}

export interface StreamedSheet {
  readonly name: string;
  readonly columns: readonly SheetColumn[];
  readonly rows: AsyncIterable<readonly unknown[]>;
}

/**
 * Writes one sheet with exceljs' streaming WorkbookWriter: each row is committed (zipped and sent) as soon as it is
 * written, so memory stays bounded whatever the number of rows. Errors end the stream with that error.
 */
export function streamSheet(sheetName: string, columns: readonly SheetColumn[], rows: AsyncIterable<readonly unknown[]>): Readable {
  return streamSheets([{ name: sheetName, columns, rows }]);
}

/** Several sheets, one after the other, each streamed like `streamSheet`'s. */
export function streamSheets(sheets: readonly StreamedSheet[]): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  void (async () => {
    for (const spec of sheets) {
      const sheet = workbook.addWorksheet(spec.name, { views: [{ state: 'frozen', ySplit: 1 }] });
      sheet.columns = spec.columns.map((c) => ({ header: c.header, width: c.width }));
      sheet.getRow(1).font = { bold: true };
      sheet.getRow(1).commit();
      for await (const row of spec.rows) sheet.addRow([...row]).commit();
      sheet.commit();
    }
    await workbook.commit();
  })().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return out;
}

export const xlsxDisposition = (asciiName: string, chineseName: string) =>
  `attachment; filename="${asciiName}.xlsx"; filename*=UTF-8''${encodeURIComponent(chineseName)}.xlsx`;
