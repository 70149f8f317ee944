import { CATEGORY_LABELS, shanghaiDate } from '@duban/domain';
import type { InspectionRecord } from '@duban/persistence';
import { circularDocument } from '../documents/circular-document.js';

export { DOCX_TYPE } from '../documents/circular-document.js';

const ISSUING_OFFICE = '县巩固拓展脱贫攻坚成果工作领导小组办公室';

/** 暗访情况通报 (DOCX): the inspection, then one row per finding with its responsible unit and deadline. */
export async function inspectionCircular(record: InspectionRecord, unitNames: ReadonlyMap<string, string>): Promise<Buffer> {
  const unit = (id: string) => unitNames.get(id) ?? id;
  const published = shanghaiDate(record.publishedAt ? new Date(record.publishedAt) : new Date());
  return circularDocument({
    issuingOffice: ISSUING_OFFICE,
    title: `关于${record.title}发现问题的通报`,
    addressees: record.targetUnitIds.map(unit).join('、'),
    date: published,
    blocks: [
      {
        kind: 'paragraph',
        text: `${record.windowFrom} 至 ${record.windowTo}，暗访组（${record.team.join('、')}）按照“四不两直”要求，对${record.targetUnitIds.map(unit).join('、')}进行了暗访，共发现问题 ${record.findings.length} 个。现将有关情况通报如下，请各责任单位按期整改到位，并按要求报送整改情况。`,
      },
      {
        kind: 'table',
        table: {
          header: ['序号', '地点', '问题类别', '发现的问题', '责任单位', '整改时限'],
          rows: record.findings.map((f, i) => [i + 1, f.place, CATEGORY_LABELS[f.category], f.description, unit(f.responsibleUnitId), f.suggestedDueDate]),
        },
      },
    ],
  });
}
