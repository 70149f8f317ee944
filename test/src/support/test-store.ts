import type { ChildProcess } from 'node:child_process';
// @ts-expect-error plain ESM helper without types
import { THROWAWAY_POSTGRES_SETTINGS, freePort, startFerretDb, startFerretDbOnPostgresBackend, startPostgres } from '../../../tools/lib/servers.mjs';

/** The stores the suites can run on; `DUBAN_TEST_STORE` chooses, `npm start`'s FerretDB on PostgreSQL by default. */
export const TEST_STORES = ['ferretdb-postgres', 'ferretdb-sqlite'] as const;
export type TestStoreName = (typeof TEST_STORES)[number];

export function testStoreName(): TestStoreName {
  const name = process.env.DUBAN_TEST_STORE ?? 'ferretdb-postgres';
  if (!(TEST_STORES as readonly string[]).includes(name)) throw new Error(`DUBAN_TEST_STORE=${name}: expected one of ${TEST_STORES.join(', ')}`);
  return name as TestStoreName;
}

/** A server process as tools/lib/servers.mjs starts it. */
export interface Server {
  readonly port: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The chosen store under `dir`, FerretDB's wire protocol on `port`. On PostgreSQL, `ferretdb` can be killed and
 * started again (`restartFerretDb`) while the cluster keeps running — a throw-away cluster (fsync off) must not be
 * killed itself, see THROWAWAY_POSTGRES_SETTINGS.
 */
export class TestStore {
  private postgres: Server | undefined;
  ferretdb!: Server;

  private constructor(
    readonly name: TestStoreName,
    private readonly port: number,
    private readonly dir: string,
  ) {}

  static async start({ port, dir }: { port: number; dir: string }): Promise<TestStore> {
    const store = new TestStore(testStoreName(), port, dir);
    await store.startFerretDb();
    return store;
  }

  /** Starts FerretDB (after a kill), and on the first call the PostgreSQL cluster under it. */
  async startFerretDb(): Promise<void> {
    const logFile = `${this.dir}/ferretdb.log`;
    if (this.name === 'ferretdb-sqlite') {
      this.ferretdb = await startFerretDb({ port: this.port, dataDir: `${this.dir}/ferretdb`, logFile });
      return;
    }
    const postgres = (this.postgres ??= await startPostgres({ clusterDir: `${this.dir}/postgresql`, port: await freePort(), settings: THROWAWAY_POSTGRES_SETTINGS, logFile: `${this.dir}/postgresql.log` }));
    this.ferretdb = await startFerretDbOnPostgresBackend({ port: this.port, postgresPort: postgres.port, logFile });
  }

  async stop(): Promise<void> {
    await this.ferretdb?.stop();
    await this.postgres?.stop();
  }
}
