import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './index.js';

const base = { TEMPORAL_ADDRESS: '127.0.0.1:7233', MONGO_URL: 'mongodb://127.0.0.1:27017/duban' };

describe('readConfig', () => {
  it('logs no slow commands unless DUBAN_SLOW_QUERY_MS is set, and takes whole milliseconds when it is', () => {
    expect(readConfig(base).slowQueryMs).toBeUndefined();
    expect(readConfig({ ...base, DUBAN_SLOW_QUERY_MS: '' }).slowQueryMs).toBeUndefined();
    expect(readConfig({ ...base, DUBAN_SLOW_QUERY_MS: '200' }).slowQueryMs).toBe(200);
    expect(readConfig({ ...base, DUBAN_SLOW_QUERY_MS: '0' }).slowQueryMs).toBe(0);
  });

  it('refuses a threshold that is not a whole number of milliseconds, naming the variable', () => {
    for (const raw of ['fast', '-5', '1.5']) {
      expect(() => readConfig({ ...base, DUBAN_SLOW_QUERY_MS: raw })).toThrow(ConfigError);
      expect(() => readConfig({ ...base, DUBAN_SLOW_QUERY_MS: raw })).toThrow(/DUBAN_SLOW_QUERY_MS/);
    }
  });

  it('names the missing variable when a required one is absent', () => {
    expect(() => readConfig({ MONGO_URL: base.MONGO_URL })).toThrow(/TEMPORAL_ADDRESS is required/);
  });
});
