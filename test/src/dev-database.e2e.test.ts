import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@duban/persistence';
// @ts-expect-error plain ESM helper without types
import { freePort, startFerretDb } from '../../tools/lib/servers.mjs';

// Our FerretDB wrapper (tools/servers/ferretdb) on SQLite — the store of earlier installs, which
// `npm run migrate-store` reads and DUBAN_TEST_STORE=ferretdb-sqlite still runs the suites on: lookups, updates
// and deletes by `_id` — every projection, notice and counter — must not read the whole collection.

let database: Connection;
let store: { stop(): Promise<void> };
const dir = mkdtempSync(join(tmpdir(), 'duban-devdb-'));

beforeAll(async () => {
  const port = await freePort();
  store = await startFerretDb({ port, dataDir: join(dir, 'ferretdb'), logFile: join(dir, 'ferretdb.log') });
  database = await openDatabase({ url: `mongodb://127.0.0.1:${port}/duban_e2e_devdb` });
});

afterAll(async () => {
  await database?.close();
  await store?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// SQLite re-reads a changed schema when a connection next runs a statement, but EXPLAIN alone does not, so a real
// lookup goes first.
const planOf = async (collection: string, filter: Record<string, unknown>) => {
  await database.collection(collection).findOne(filter);
  const explained = (await database.db!.command({ explain: { find: collection, filter } })) as { queryPlanner?: { Plan?: string[] } };
  return (explained.queryPlanner?.Plan ?? []).join(' ');
};

describe('FerretDB on SQLite', () => {
  it('serves a lookup by _id from an index within seconds of a new collection, instead of scanning it', async () => {
    const items = database.collection<{ _id: string; n: number }>('items');
    await items.insertMany(Array.from({ length: 200 }, (_, n) => ({ _id: `item-${n}`, n })));
    await expect.poll(() => planOf('items', { _id: 'item-7' }), { timeout: 10_000, interval: 250 }).toMatch(/SEARCH \S+ USING INDEX \S+_duban_id_path/);
    // Any other filter is still read in full by FerretDB v1 (it pushes down `_id` only).
    expect(await planOf('items', { n: 7 })).toMatch(/SCAN/);
    expect(await items.findOne({ _id: 'item-7' })).toEqual({ _id: 'item-7', n: 7 });
  });
});
