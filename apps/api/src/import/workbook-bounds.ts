import { unzipSync, zipSync, type Unzipped } from 'fflate';

/**
 * What one uploaded workbook may hold, checked on its zip before any XML is parsed. An ordinary problem list of
 * 5,000 rows is a dozen entries and a few MiB of XML; a crafted file can say millions of rows in one MiB.
 */
export const WORKBOOK_LIMITS = {
  entries: 200,
  entryBytes: 32 * 1024 * 1024,
  totalBytes: 64 * 1024 * 1024,
  /** `<row>` elements over all worksheets: the import takes 5,000 rows, with room for blank and styled ones. */
  rows: 20_000,
} as const;

const MIB = 1024 * 1024;
const WORKSHEET = /^xl\/worksheets\/[^/]+\.xml$/;
/** A row element, with or without a namespace prefix (`<row …>`, `<x:row …>`). */
const ROW_ELEMENT = /<(?:[A-Za-z_][\w.-]*:)?row[\s/>]/g;

export type BoundedWorkbook = { readonly content: Uint8Array } | { readonly problem: string };

/**
 * Inflates the workbook within WORKBOOK_LIMITS (number of entries, inflated size of each and of all, rows) and
 * returns it zipped again without compression, so the parser reads exactly the bounded bytes: an entry that
 * inflates beyond the size its header declares is cut at that size (the parse then fails) instead of growing.
 * Otherwise the problem, in Chinese.
 */
export function boundWorkbook(zipped: Uint8Array): BoundedWorkbook {
  let entries = 0;
  let total = 0;
  let problem: string | null = null;
  let inflated: Unzipped;
  try {
    inflated = unzipSync(zipped, {
      filter: (file) => {
        if (problem) return false;
        entries += 1;
        total += file.originalSize;
        if (entries > WORKBOOK_LIMITS.entries) problem = `工作簿内的文件数超过 ${WORKBOOK_LIMITS.entries} 个`;
        else if (file.originalSize > WORKBOOK_LIMITS.entryBytes) problem = `工作簿内的文件解压后超过 ${WORKBOOK_LIMITS.entryBytes / MIB} MiB`;
        else if (total > WORKBOOK_LIMITS.totalBytes) problem = `工作簿解压后超过 ${WORKBOOK_LIMITS.totalBytes / MIB} MiB`;
        return problem === null;
      },
    });
  } catch {
    return { problem: '文件不是有效的 XLSX 工作簿' };
  }
  if (problem) return { problem };
  let rows = 0;
  for (const [name, bytes] of Object.entries(inflated)) {
    if (WORKSHEET.test(name)) rows += Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').match(ROW_ELEMENT)?.length ?? 0;
  }
  if (rows > WORKBOOK_LIMITS.rows) return { problem: `工作表超过 ${WORKBOOK_LIMITS.rows} 行，请删去空行或拆分后分批导入` };
  return { content: zipSync(inflated, { level: 0 }) };
}
