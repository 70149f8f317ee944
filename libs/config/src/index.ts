import ipaddr from 'ipaddr.js';

/** The process environment, validated once at start. Every variable is listed in the README. */
export interface DubanConfig {
  /** HTTP port of the API. */
  readonly port: number;
  readonly temporalAddress: string;
  readonly temporalNamespace: string;
  readonly mongoUrl: string;
  /** HS256 secret for access tokens; generated and stored in the database when absent. */
  readonly jwtSecret: string | undefined;
  /** Password of the first sysadmin, created on first start when there are no users. */
  readonly adminPassword: string | undefined;
  /** Origin allowed to call the API from a browser. */
  readonly webOrigin: string | undefined;
  /** Database commands that take at least this many milliseconds are logged; undefined: none are. */
  readonly slowQueryMs: number | undefined;
  /** Internal destinations webhooks may reach all the same (the API checks them when configured, the worker at delivery). */
  readonly webhookAllowList: WebhookAllowList;
}

/**
 * Destinations an operator allows webhooks to reach although they are internal (loopback, private, link-local …),
 * from `DUBAN_WEBHOOK_ALLOWED_HOSTS`: host names (exact, lower-case) and networks (canonical CIDR, e.g. `10.20.0.0/16`).
 */
export interface WebhookAllowList {
  readonly hostNames: readonly string[];
  readonly networks: readonly string[];
}

export const EMPTY_WEBHOOK_ALLOW_LIST: WebhookAllowList = { hostNames: [], networks: [] };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): DubanConfig {
  return {
    port: port(env, 'PORT', 3000),
    temporalAddress: required(env, 'TEMPORAL_ADDRESS'),
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    mongoUrl: mongoUrl(env),
    jwtSecret: optionalSecret(env, 'JWT_SECRET'),
    adminPassword: env.DUBAN_ADMIN_PASSWORD || undefined,
    webOrigin: env.WEB_ORIGIN || undefined,
    slowQueryMs: milliseconds(env, 'DUBAN_SLOW_QUERY_MS'),
    webhookAllowList: parseWebhookAllowList(env.DUBAN_WEBHOOK_ALLOWED_HOSTS ?? ''),
  };
}

/** What only the worker reads. Validated apart, so a bad worker variable never stops the API. */
export interface WorkerConfig {
  /** Workflows kept in the worker's sticky cache; the others replay when they next have work. */
  readonly maxCachedWorkflows: number;
  /** Port of the worker's Prometheus endpoint; 0 turns it off. */
  readonly metricsPort: number;
  readonly metricsHost: string;
}

/**
 * Worker RSS right after a monthly list of 10,000 assignments (npm run bench, bench/results/focused-runs.md): 599 MiB with 1,000 cached,
 * 967 MiB with 2,000, 1,150 MiB with 3,000; so 1,000 keeps the 1 GiB goal with room to spare. The cache is
 * least-recently-used and items fire in the order they were started, so a burst of deadlines larger than the bound
 * replays nearly every item it wakes: operators with bigger bursts raise the bound and give the worker the memory.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 1000;

export function readWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return {
    maxCachedWorkflows: positiveInteger(env, 'WORKER_MAX_CACHED_WORKFLOWS', DEFAULT_MAX_CACHED_WORKFLOWS),
    metricsPort: port(env, 'WORKER_METRICS_PORT', 9464),
    metricsHost: env.WORKER_METRICS_HOST || '127.0.0.1',
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is required`);
  return value;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new ConfigError(`${name} must be a port number, got "${raw}"`);
  return value;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a whole number of at least 1, got "${raw}"`);
  return value;
}

function milliseconds(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name} must be a whole number of milliseconds, got "${raw}"`);
  return value;
}

function mongoUrl(env: NodeJS.ProcessEnv): string {
  const value = required(env, 'MONGO_URL');
  if (!/^mongodb(\+srv)?:\/\//.test(value)) throw new ConfigError('MONGO_URL must start with mongodb:// or mongodb+srv://');
  return value;
}

function optionalSecret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  if (value.length < 32) throw new ConfigError(`${name} must be at least 32 characters`);
  return value;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Comma-separated host names, IP addresses and CIDR ranges; an address stands for itself alone (/32, /128). */
export function parseWebhookAllowList(value: string, name = 'DUBAN_WEBHOOK_ALLOWED_HOSTS'): WebhookAllowList {
  const hostNames: string[] = [];
  const networks: string[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    const network = parseNetwork(entry);
    if (network) networks.push(network);
    else if (HOST_NAME.test(entry) && !/^[0-9.]+$/.test(entry)) hostNames.push(entry);
    else throw new ConfigError(`${name}: "${raw.trim()}" is neither a host name, an IP address nor a CIDR range`);
  }
  return { hostNames, networks };
}

/** `10.1.2.3` → `10.1.2.3/32`, `fd00::/8` → `fd00::/8`, the address in canonical form; undefined when it is neither. */
function parseNetwork(entry: string): string | undefined {
  try {
    if (entry.includes('/')) {
      const [network, bits] = ipaddr.parseCIDR(entry);
      return `${network.toString()}/${bits}`;
    }
    if (!ipaddr.isValid(entry)) return undefined;
    const address = ipaddr.parse(entry);
    return `${address.toString()}/${address.kind() === 'ipv4' ? 32 : 128}`;
  } catch {
    return undefined;
  }
}
