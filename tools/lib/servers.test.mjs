import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { durablePostgresSettings, holdsOnlySqliteStore } from './servers.mjs';

const GiB = 2 ** 30;
const setting = (settings, name) => settings.find((s) => s.startsWith(`${name}=`))?.slice(name.length + 1);

describe("npm start's PostgreSQL settings", () => {
  it('give shared buffers a quarter of the RAM and the planner three quarters as cache, fsync on', () => {
    const settings = durablePostgresSettings(24 * GiB);
    expect(setting(settings, 'shared_buffers')).toBe('6144MB');
    expect(setting(settings, 'effective_cache_size')).toBe('18432MB');
    expect(setting(settings, 'fsync')).toBe('on');
    expect(setting(settings, 'synchronous_commit')).toBe('on');
  });

  it('cap shared buffers at 8 GB on a large machine', () => {
    expect(setting(durablePostgresSettings(128 * GiB), 'shared_buffers')).toBe('8192MB');
  });
});

describe('a data dir that needs npm run migrate-store', () => {
  const dirs = [];
  const dataDir = (...entries) => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-datadir-'));
    dirs.push(dir);
    for (const entry of entries) {
      mkdirSync(join(dir, entry.split('/')[0]), { recursive: true });
      if (entry.includes('/')) writeFileSync(join(dir, entry), '');
    }
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('is one with SQLite files and no PostgreSQL cluster', () => {
    expect(holdsOnlySqliteStore(dataDir('ferretdb/duban.sqlite'))).toBe(true);
  });

  it('is not an empty one, one with an empty SQLite directory, or one whose cluster exists', () => {
    expect(holdsOnlySqliteStore(dataDir())).toBe(false);
    expect(holdsOnlySqliteStore(dataDir('ferretdb'))).toBe(false);
    expect(holdsOnlySqliteStore(dataDir('ferretdb/duban.sqlite', 'postgresql/PG_VERSION'))).toBe(false);
  });
});
