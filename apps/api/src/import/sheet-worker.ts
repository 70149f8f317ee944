import { parentPort, workerData } from 'node:worker_threads';
import { parseSheet } from './parse-sheet.js';

/** Worker thread entry (read-sheet.ts): parses the workbook in `workerData` and posts the ParsedSheet back. */
const result = await parseSheet(workerData as Uint8Array);
parentPort!.postMessage(result);
