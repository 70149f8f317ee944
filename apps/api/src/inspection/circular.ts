import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { CATEGORY_LABELS, shanghaiDate } from '@duban/domain';
import type { InspectionRecord } from '@duban/persistence';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const cell = (text: string, bold = false) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold, font: '仿宋_GB2312', size: 21 })] })] });

/** 暗访情况通报 (DOCX): the inspection, then one row per finding with its responsible unit and deadline. */
export async function inspectionCircular(record: InspectionRecord, unitNames: ReadonlyMap<string, string>): Promise<Buffer> {
  const unit = (id: string) => unitNames.get(id) ?? id;
  const header = new TableRow({ tableHeader: true, children: ['序号', '地点', '问题类别', '发现的问题', '责任单位', '整改时限'].map((h) => cell(h, true)) });
  const rows = record.findings.map(
    (f, i) => new TableRow({ children: [cell(String(i + 1)), cell(f.place), cell(CATEGORY_LABELS[f.category]), cell(f.description), cell(unit(f.responsibleUnitId)), cell(f.suggestedDueDate)] }),
  );
  const published = record.publishedAt ? shanghaiDate(new Date(record.publishedAt).toISOString()) : shanghaiDate(new Date().toISOString());
  const document = new Document({
    creator: 'Duban 督办',
    title: `${record.title}情况通报`,
    sections: [
      {
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [new TextRun({ text: `关于${record.title}发现问题的通报`, bold: true, size: 36 })] }),
          new Paragraph({
            children: [
              new TextRun({
                text: `${record.windowFrom} 至 ${record.windowTo}，暗访组（${record.team.join('、')}）按照“四不两直”要求，对${record.targetUnitIds.map(unit).join('、')}进行了暗访，共发现问题 ${record.findings.length} 个。现将有关情况通报如下，请各责任单位按期整改到位，并按要求报送整改情况。`,
                size: 24,
              }),
            ],
          }),
          new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [header, ...rows] }),
          new Paragraph({ alignment: AlignmentType.RIGHT, children: [new TextRun({ text: `县巩固拓展脱贫攻坚成果工作领导小组办公室 ${published}`, size: 24 })] }),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}
