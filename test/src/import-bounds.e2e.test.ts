import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '@duban/domain';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type ApiClient, type Stack } from './support/stack.js';

/**
 * XLSX import (导入问题清单) is bounded before a workbook is parsed — entries, inflated size, rows — and the
 * parse runs off the event loop, so a crafted file cannot stall the API.
 */
let stack: Stack;
let office: ApiClient;

const HEADER = ['问题标题', '问题描述', '问题来源', '问题类别', '责任单位', '整改时限'];
const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));

async function workbookOf(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('问题清单');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A valid workbook whose zip is then changed by `change` (entries replaced or added), deflated again. */
async function crafted(change: (zip: JSZip) => void): Promise<Buffer> {
  const zip = await JSZip.loadAsync(await workbookOf([HEADER, ['标题', '描述', '市委巡察', '兜底保障', '甲镇', inDays(30)]]));
  change(zip);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

const SHEET = 'xl/worksheets/sheet1.xml';

/** A worksheet of a header row and `rows` rows that are only their own element (no cells). */
function sheetWithEmptyRows(rows: number): string {
  const parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'];
  parts.push(`<row r="1">${HEADER.map((h, i) => `<c r="${String.fromCharCode(65 + i)}1" t="inlineStr"><is><t>${h}</t></is></c>`).join('')}</row>`);
  for (let r = 2; r <= rows + 1; r++) parts.push(`<row r="${r}"/>`);
  parts.push('</sheetData></worksheet>');
  return parts.join('');
}

/** A worksheet of the header, `data` rows, then `styled` rows of `columns` cells that carry a style and no value. */
function sheetWithStyledRows(data: unknown[][], styled: number, columns: number): string {
  const column = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : `A${String.fromCharCode(65 + i - 26)}`);
  const text = (values: unknown[], r: number) => values.map((v, i) => `<c r="${column(i)}${r}" t="inlineStr"><is><t>${String(v)}</t></is></c>`).join('');
  const parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'];
  parts.push(`<row r="1">${text(HEADER, 1)}</row>`);
  data.forEach((row, i) => parts.push(`<row r="${i + 2}">${text(row, i + 2)}</row>`));
  for (let r = data.length + 2; r < data.length + 2 + styled; r++) {
    parts.push(`<row r="${r}">${Array.from({ length: columns }, (_, i) => `<c r="${column(i)}${r}" s="0"/>`).join('')}</row>`);
  }
  parts.push('</sheetData></worksheet>');
  return parts.join('');
}

const formOf = (content: Buffer) => {
  const form = new FormData();
  form.append('file', new Blob([content]), '问题清单.xlsx');
  return form;
};

const preview = (content: Buffer) => office.postForm('/api/imports/rectifications/preview', formOf(content));

beforeAll(async () => {
  stack = await startStack(testCounty);
  office = await stack.api.login('office', PASSWORD);
});

afterAll(async () => {
  await stack?.close();
});

describe('an XLSX import bounded before parsing', () => {
  it('still previews and imports an ordinary list', async () => {
    const file = await workbookOf([HEADER, ['二村低保动态调整不及时', '二村 3 户低保对象未按期复核。', '市委巡察', '兜底保障', '甲镇二村', inDays(30)]]);
    const previewed = await preview(file);
    expect(previewed.status).toBe(200);
    expect(previewed.body).toMatchObject({ rows: 1, valid: 1, errors: [] });
    const imported = await office.postForm('/api/imports/rectifications', formOf(file));
    expect(imported.status).toBe(201);
    expect(imported.body.created).toBe(1);
  });

  it('refuses a small file holding hundreds of thousands of rows with a 400 in Chinese, before parsing them', async () => {
    const file = await crafted((zip) => zip.file(SHEET, sheetWithEmptyRows(300_000)));
    expect(file.length).toBeLessThan(5 * 1024 * 1024);
    const refused = await preview(file);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/行/) });
    expect(refused.body.error.message).toMatch(/超过/);
    expect(refused.body.error.details.fields[0].field).toBe('file');
  });

  it('refuses an entry that inflates far beyond any worksheet (a zip bomb) with a 400 in Chinese', async () => {
    const file = await crafted((zip) => zip.file('xl/media/padding.bin', Buffer.alloc(200 * 1024 * 1024, 0x20)));
    expect(file.length).toBeLessThan(5 * 1024 * 1024);
    const refused = await preview(file);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/解压/);
  });

  it('refuses a workbook of thousands of entries with a 400 in Chinese', async () => {
    const file = await crafted((zip) => {
      for (let i = 0; i < 5_000; i++) zip.file(`xl/media/image${i}.bin`, 'x');
    });
    const refused = await preview(file);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/文件数/);
  });

  it('keeps answering /api/health/live while a big but allowed list is parsed: the parse is not on the event loop', async () => {
    // Thousands of styled rows (parsed cell by cell) around a few real ones: heavy to parse, light to check.
    const data = Array.from({ length: 5 }, (_, i) => ['村级公益岗位人员管理不规范', `问题描述 ${i + 1}：公益岗位人员长期不在岗。`, '市委巡察', '就业帮扶', '甲镇一村', inDays(30 + i)]);
    const file = await crafted((zip) => zip.file(SHEET, sheetWithStyledRows(data, 10_000, 40)));
    // The API runs in this process: its event loop's utilization over the preview is the share of that time it
    // was busy rather than waiting for I/O. A parse on the event loop keeps it busy (≈ 1) for the whole preview.
    const before = performance.eventLoopUtilization();
    let previewDone = false;
    const previewed = preview(file).finally(() => (previewDone = true));
    let answeredDuringPreview = 0;
    while (!previewDone) {
      const live = await fetch(`${stack.baseUrl}/api/health/live`);
      expect(live.status).toBe(200);
      if (!previewDone) answeredDuringPreview++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const result = await previewed;
    const utilization = performance.eventLoopUtilization(before).utilization;
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ rows: 5, valid: 5 });
    expect(answeredDuringPreview).toBeGreaterThan(0);
    expect(utilization).toBeLessThan(0.75);
  }, 120_000);
});
