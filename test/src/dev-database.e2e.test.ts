import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '@duban/persistence';

// The embedded FerretDB (tools/servers/ferretdb) on SQLite: lookups, updates and deletes by `_id` — every projection,
// notice and counter — must not read the whole collection.

let database: Connection;

beforeAll(async () => {
  database = await openDatabase({ url: `${inject('mongoUrl')}duban_e2e_devdb_${randomUUID().slice(0, 8)}` });
});

afterAll(async () => {
  await database?.dropDatabase();
  await database?.close();
});

// SQLite re-reads a changed schema when a connection next runs a statement, but EXPLAIN alone does not, so a real
// lookup goes first.
const planOf = async (collection: string, filter: Record<string, unknown>) => {
  await database.collection(collection).findOne(filter);
  const explained = (await database.db!.command({ explain: { find: collection, filter } })) as { queryPlanner?: { Plan?: string[] } };
  return (explained.queryPlanner?.Plan ?? []).join(' ');
};

describe('the embedded FerretDB', () => {
  it('serves a lookup by _id from an index within seconds of a new collection, instead of scanning it', async () => {
    const items = database.collection<{ _id: string; n: number }>('items');
    await items.insertMany(Array.from({ length: 200 }, (_, n) => ({ _id: `item-${n}`, n })));
    await expect.poll(() => planOf('items', { _id: 'item-7' }), { timeout: 10_000, interval: 250 }).toMatch(/SEARCH \S+ USING INDEX \S+_duban_id_path/);
    // Any other filter is still read in full by FerretDB v1 (it pushes down `_id` only).
    expect(await planOf('items', { n: 7 })).toMatch(/SCAN/);
    expect(await items.findOne({ _id: 'item-7' })).toEqual({ _id: 'item-7', n: 7 });
  });
});
