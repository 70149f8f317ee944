import { Worker } from 'node:worker_threads';
import { ApiError } from '../common/api-error.js';
import type { ParsedSheet, Sheet } from './parse-sheet.js';

export { MAX_IMPORT_ROWS, type Sheet } from './parse-sheet.js';

/**
 * The compiled worker script. apps/api/src and apps/api/dist have the same depth, so this one URL serves the
 * built server and the test suites (which run the sources, after `tsc -b` has built dist/).
 */
const SHEET_WORKER = new URL('../../dist/import/sheet-worker.js', import.meta.url);

/** Heap of one parse: enough for the largest workbook WORKBOOK_LIMITS lets through; a parse beyond it is refused. */
const WORKER_HEAP_MB = 512;

/**
 * Reads the first worksheet of an uploaded XLSX in a worker thread, so that the parse (seconds for a large file)
 * never stalls the event loop. A file over the bounds, unreadable, or too big to parse is a 400 naming `file`.
 */
export async function readSheet(content: Buffer): Promise<Sheet> {
  const parsed = await new Promise<ParsedSheet>((resolve) => {
    const worker = new Worker(SHEET_WORKER, { workerData: content, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    worker.once('message', (result: ParsedSheet) => resolve(result));
    worker.once('error', () => resolve({ problem: '文件过大或已损坏，无法读取' }));
    worker.once('exit', () => resolve({ problem: '文件过大或已损坏，无法读取' }));
  });
  if ('problem' in parsed) throw fileProblem(parsed.problem);
  return parsed.sheet;
}

export const fileProblem = (message: string) => ApiError.badInput('file', `file: ${message}`);
