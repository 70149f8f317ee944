import type { WebhookAllowList } from '@duban/config';

/** DI tokens for things built outside Nest and handed in (so tests and main share one wiring). */
export const DATABASE = Symbol('DATABASE');
export const TEMPORAL_CLIENT = Symbol('TEMPORAL_CLIENT');
export const API_SETTINGS = Symbol('API_SETTINGS');
export const CLOCK = Symbol('CLOCK');

export interface ApiSettings {
  readonly temporalNamespace: string;
  readonly taskQueue: string;
  readonly webOrigin: string | undefined;
  /** Internal destinations webhooks may reach all the same (DUBAN_WEBHOOK_ALLOWED_HOSTS); none when absent. */
  readonly webhookAllowList?: WebhookAllowList;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
