import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from 'mongoose';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { RectificationCounts, RectificationReadModel } from '@duban/persistence';

/**
 * The worker's Prometheus endpoint (`GET /metrics`): Temporal's own worker metrics — workflow task latency
 * (`temporal_workflow_task_execution_latency`, `…_schedule_to_start_latency`), activity failures
 * (`temporal_activity_execution_failed`, `temporal_local_activity_execution_failed`), poll and slot counts —
 * exported by the Temporal runtime on an internal loopback port and passed through, followed by Duban's: open
 * items by light, read from the counts read model.
 */
export class WorkerMetrics {
  readonly registry = new Registry();

  constructor(database: Connection, private readonly temporalExporterUrl: string | undefined) {
    const items = new RectificationReadModel(database);
    const counts = RectificationCounts.of(database);
    this.registry.setDefaultLabels({ service: 'duban-worker' });
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'duban_open_items',
      help: 'Running rectification items by light (green, blue, yellow, red), from the read model at scrape time',
      labelNames: ['light'] as const,
      registers: [this.registry],
      async collect() {
        // From the counts read model once built (the worker builds it before it polls); counting the items otherwise.
        const now = new Date();
        const byLight = (await counts.isBuilt()) ? await counts.runningByLight(now) : await items.countRunningByLight(now);
        for (const [light, count] of Object.entries(byLight)) this.set({ light }, count);
      },
    });
  }

  async text(): Promise<string> {
    const own = await this.registry.metrics();
    if (!this.temporalExporterUrl) return own;
    const temporal = await fetch(this.temporalExporterUrl, { signal: AbortSignal.timeout(5_000) })
      .then((response) => response.text())
      .catch(() => '# Temporal runtime metrics unavailable\n');
    return `${temporal.trimEnd()}\n${own}`;
  }

  /** Serves `/metrics` on `host:port` (port 0: any free one); resolves with the bound port. */
  async listen(port: number, host = '127.0.0.1'): Promise<{ server: Server; port: number }> {
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      this.text().then(
        (body) => response.writeHead(200, { 'content-type': this.registry.contentType }).end(body),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
      );
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
    return { server, port: (server.address() as AddressInfo).port };
  }
}
