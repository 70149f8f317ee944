import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';

/**
 * The system under measurement: the API, the worker polling `taskQueue`, their database and a Temporal
 * client. `npm run bench` runs API and worker as their own processes from dist; the smoke test runs them
 * in the test process (both pids are then the test's own).
 */
export interface BenchTarget {
  readonly apiUrl: string;
  readonly apiPid: number;
  readonly workerPid: number;
  readonly database: Connection;
  readonly temporal: Client;
  readonly taskQueue: string;
  /** The worker's Prometheus endpoint, when it runs as its own process. */
  readonly workerMetricsUrl?: string;
  /** The servers' processes, when the bench started them: their CPU time is accounted to the timer windows. */
  readonly serverPids?: Readonly<ServerPids>;
}

/** Processes of the servers the bench started; a server given by env has none here. */
export interface ServerPids {
  temporal?: number;
  database?: number;
}

/** Logs a user in through the API; the access token. */
export async function login(apiUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.json()) as { accessToken?: string };
  if (response.status !== 200 || !body.accessToken) throw new Error(`login ${username}: ${response.status} ${JSON.stringify(body)}`);
  return body.accessToken;
}
