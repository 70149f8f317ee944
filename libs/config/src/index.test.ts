import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_MAX_CACHED_WORKFLOWS, readConfig, readWorkerConfig } from './index.js';

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

  it('allows webhooks no internal destination unless DUBAN_WEBHOOK_ALLOWED_HOSTS names host names, addresses or CIDR ranges', () => {
    expect(readConfig(base).webhookAllowList).toEqual({ hostNames: [], networks: [] });
    expect(readConfig({ ...base, DUBAN_WEBHOOK_ALLOWED_HOSTS: ' Hooks.Intranet.example, 127.0.0.1,10.20.0.0/16 ,fd00::/8,::1 ,' }).webhookAllowList).toEqual({
      hostNames: ['hooks.intranet.example'],
      networks: ['127.0.0.1/32', '10.20.0.0/16', 'fd00::/8', '::1/128'],
    });
  });

  it('refuses an allow-list entry that is no host name, address or range, naming the variable', () => {
    for (const raw of ['10.0.0.0/33', 'http://hooks.example', 'hooks example', '127.1', '*.example.com', 'fd00::/200']) {
      expect(() => readConfig({ ...base, DUBAN_WEBHOOK_ALLOWED_HOSTS: raw }), raw).toThrow(ConfigError);
      expect(() => readConfig({ ...base, DUBAN_WEBHOOK_ALLOWED_HOSTS: raw }), raw).toThrow(/DUBAN_WEBHOOK_ALLOWED_HOSTS/);
    }
  });

  it('names the missing variable when a required one is absent', () => {
    expect(() => readConfig({ MONGO_URL: base.MONGO_URL })).toThrow(/TEMPORAL_ADDRESS is required/);
  });
});

describe('readWorkerConfig', () => {
  it('takes the cache bound and the metrics port from the environment, with defaults when they are unset', () => {
    expect(readWorkerConfig({})).toEqual({ maxCachedWorkflows: DEFAULT_MAX_CACHED_WORKFLOWS, metricsPort: 9464, metricsHost: '127.0.0.1' });
    expect(readWorkerConfig({ WORKER_MAX_CACHED_WORKFLOWS: '6000', WORKER_METRICS_PORT: '0', WORKER_METRICS_HOST: '0.0.0.0' })).toEqual({
      maxCachedWorkflows: 6000,
      metricsPort: 0,
      metricsHost: '0.0.0.0',
    });
  });

  it('refuses a cache bound that is not a whole number of at least 1, and a metrics port that is no port, naming the variable', () => {
    for (const raw of ['many', '0', '-1', '2.5']) {
      expect(() => readWorkerConfig({ WORKER_MAX_CACHED_WORKFLOWS: raw })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
    }
    expect(() => readWorkerConfig({ WORKER_METRICS_PORT: '70000' })).toThrow(ConfigError);
    expect(() => readWorkerConfig({ WORKER_METRICS_PORT: '70000' })).toThrow(/WORKER_METRICS_PORT/);
  });

  it('does not read the worker variables for the API', () => {
    expect(() => readConfig({ ...base, WORKER_MAX_CACHED_WORKFLOWS: 'many' })).not.toThrow();
  });
});
