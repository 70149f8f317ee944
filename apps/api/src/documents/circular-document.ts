import { AlignmentType, BorderStyle, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A table of a circular: statistics per unit, an overdue list, a ranking… Header first, then rows. */
export interface CircularTable {
  /** Shown above the table in bold (e.g. 表1 各单位完成情况). */
  readonly caption?: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  /** Shown instead of the table when it has no rows (e.g. 无逾期任务). */
  readonly emptyText?: string;
}

export type CircularBlock =
  | { readonly kind: 'heading'; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'table'; readonly table: CircularTable };

/** A circular (通报) in the usual layout of a county document: masthead, number, title, addressees, body, signature and date. */
export interface CircularSpec {
  /** The issuing office (发文机关), e.g. 县巩固拓展脱贫攻坚成果工作领导小组办公室. */
  readonly issuingOffice: string;
  /** Document number (文号), e.g. 督办通报〔2026〕11号; omitted when empty. */
  readonly number?: string;
  readonly title: string;
  /** Addressees (主送机关), e.g. 各乡（镇）、县直有关单位 — written with a trailing colon. */
  readonly addressees?: string;
  readonly blocks: readonly CircularBlock[];
  /** Date of issue, YYYY-MM-DD (written 2026年11月22日 under the signature). */
  readonly date: string;
}

const BODY_FONT = '仿宋_GB2312';
const HEADING_FONT = '黑体';
const TITLE_FONT = '方正小标宋简体';
const RED = 'C00000';
/** Half-points: 三号 16pt for body text, 二号 22pt for the title, 五号 10.5pt in tables. */
const SIZE = { body: 32, title: 44, masthead: 52, table: 21 } as const;

/** 2026-11-22 → 2026年11月22日 */
export function chineseDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

const run = (text: string, options: { font?: string; size?: number; bold?: boolean; color?: string } = {}) =>
  new TextRun({ text, font: options.font ?? BODY_FONT, size: options.size ?? SIZE.body, bold: options.bold, color: options.color });

const cell = (text: string, bold = false) =>
  new TableCell({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [run(text, { size: SIZE.table, bold })] })] });

function tableBlocks(table: CircularTable): (Paragraph | Table)[] {
  const caption = table.caption ? [new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 200 }, children: [run(table.caption, { bold: true })] })] : [];
  if (table.rows.length === 0) return [...caption, new Paragraph({ indent: { firstLine: 640 }, children: [run(table.emptyText ?? '无。')] })];
  const header = new TableRow({ tableHeader: true, children: table.header.map((h) => cell(h, true)) });
  const rows = table.rows.map((row) => new TableRow({ children: row.map((value) => cell(String(value))) }));
  return [...caption, new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [header, ...rows] })];
}

function block(b: CircularBlock): (Paragraph | Table)[] {
  switch (b.kind) {
    case 'heading':
      return [new Paragraph({ indent: { firstLine: 640 }, spacing: { before: 120 }, children: [run(b.text, { font: HEADING_FONT })] })];
    case 'paragraph':
      return [new Paragraph({ indent: { firstLine: 640 }, children: [run(b.text)] })];
    case 'table':
      return tableBlocks(b.table);
  }
}

/** Renders a circular to DOCX. Every circular of the system (inspections, monthly and quarterly task lists, campaigns) goes through here. */
export async function circularDocument(spec: CircularSpec): Promise<Buffer> {
  const masthead = [
    new Paragraph({ alignment: AlignmentType.CENTER, children: [run(spec.issuingOffice, { font: TITLE_FONT, size: SIZE.masthead, bold: true, color: RED })] }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      border: { bottom: { style: BorderStyle.SINGLE, size: 18, color: RED, space: 4 } },
      children: spec.number ? [run(spec.number)] : [],
    }),
  ];
  const title = new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 400, after: 400 }, children: [run(spec.title, { font: TITLE_FONT, size: SIZE.title })] });
  const addressees = spec.addressees ? [new Paragraph({ children: [run(`${spec.addressees}：`)] })] : [];
  const signature = [
    new Paragraph({ alignment: AlignmentType.RIGHT, spacing: { before: 600 }, children: [run(spec.issuingOffice)] }),
    new Paragraph({ alignment: AlignmentType.RIGHT, children: [run(chineseDate(spec.date))] }),
  ];
  const document = new Document({
    creator: 'Duban 督办',
    title: spec.title,
    sections: [{ children: [...masthead, title, ...addressees, ...spec.blocks.flatMap(block), ...signature] }],
  });
  return Packer.toBuffer(document);
}
