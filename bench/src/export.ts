import ExcelJS from 'exceljs';
import type { Connection } from 'mongoose';
import { Readable } from 'node:stream';
import { mib, seconds } from './stats.js';
import { sampleRss } from './process-memory.js';

export interface ExportResult {
  readonly unitId: string;
  readonly expectedRows: number;
  /** Data rows in the downloaded file (read back after the timing). */
  readonly rows: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  /** API process RSS when the request started and at its peak (sampled every 50 ms), MiB. */
  readonly apiRssStartMiB: number;
  readonly apiRssPeakMiB: number;
  /** Baseline: the same items read with the driver's cursor in ledger order, nothing written. */
  readonly driver: { seconds: number; rows: number };
}

async function countSheetRows(file: Buffer): Promise<number> {
  let rows = 0;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([file]), { entries: 'emit', sharedStrings: 'cache', worksheets: 'emit', hyperlinks: 'ignore', styles: 'ignore' });
  for await (const sheet of reader) for await (const _row of sheet) rows++;
  return rows - 1; // the header row
}

/** Downloads the ledger of one unit's items as the office, timing it and sampling the API's memory. */
export async function benchExport(apiUrl: string, apiPid: number, database: Connection, options: { token: string; unitId: string; expectedRows: number }): Promise<ExportResult> {
  const { token, unitId, expectedRows } = options;
  const sampler = sampleRss(apiPid);
  const started = performance.now();
  const chunks: Buffer[] = [];
  let memory: ReturnType<ReturnType<typeof sampleRss>['stop']> | undefined;
  try {
    const response = await fetch(`${apiUrl}/api/reports/ledger?unitId=${unitId}`, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`ledger export: ${response.status} ${await response.text()}`);
    for await (const chunk of response.body!) chunks.push(Buffer.from(chunk));
  } finally {
    // Stopped on a failure too: the API is stopped next, and a sample of a gone process would throw.
    memory = sampler.stop();
  }
  const took = seconds(started);
  const file = Buffer.concat(chunks);

  const driverStarted = performance.now();
  let driverRows = 0;
  const cursor = database.db!.collection('rectifications').find({ unitScope: unitId }, { projection: { timeline: 0, fired: 0 } }).sort({ registeredAt: 1, _id: 1 }).batchSize(500);
  for await (const _doc of cursor) driverRows++;
  const driverSeconds = seconds(driverStarted);

  return {
    unitId,
    expectedRows,
    rows: await countSheetRows(file),
    bytes: file.length,
    seconds: took,
    rowsPerSecond: Math.round(expectedRows / took),
    apiRssStartMiB: mib(memory.startBytes),
    apiRssPeakMiB: mib(memory.peakBytes),
    driver: { seconds: driverSeconds, rows: driverRows },
  };
}
