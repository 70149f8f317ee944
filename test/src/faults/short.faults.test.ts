import { afterAll, beforeAll, expect, it } from 'vitest';
import { FaultSystem, eventually } from './support/fault-system.js';
import { activityCrashes, databaseOutage, listPublishCrash, temporalCrash, workerCrash, workerMetrics } from './support/scenarios.js';

// The short fault suite inside `npm test`: every scenario of `npm run faults` (test/src/faults/full/) at small
// sizes, one after another on one set of processes. The first worker runs with 100 injected activity crashes.

const CRASHES = 100;
let system: FaultSystem;
beforeAll(async () => {
  system = await FaultSystem.start({ workerEnv: { DUBAN_FAULT_ACTIVITY_CRASHES: String(CRASHES) } });
});
afterAll(async () => {
  await system?.close();
});

it(`leaves no duplicate side effect after ${CRASHES} activity crashes mid-write; the worker's metrics show them`, async () => {
  await activityCrashes(system, 24, CRASHES);
  await workerMetrics(system, { minActivityFailures: CRASHES });
});

it('stops the worker gracefully on SIGTERM; health reports the worker down until one runs again', async () => {
  expect((await system.api.get('/api/health')).body.worker).toBe(true);
  expect(await system.stopWorkerGracefully()).toBe(0);
  expect(system.workerLog()).toContain('"msg":"worker stopped"');
  expect(await system.api.get('/api/health')).toEqual({ status: 503, body: { status: 'degraded', api: true, temporal: true, database: true, worker: false } });
  // Readiness is about this API instance (its own dependencies): it stays in the load balancer.
  expect((await system.api.get('/api/health/ready')).status).toBe(200);
  await system.startWorker();
  await eventually('health reports the worker up again', async () => (await system.api.get('/api/health')).status === 200);
  expect((await system.api.get('/api/health')).body).toEqual({ status: 'ok', api: true, temporal: true, database: true, worker: true });
});

it('survives kill -9 of the worker mid-work: each item once, no notice or notification twice', async () => {
  await workerCrash(system, 12);
});

it('survives kill -9 of the worker while a monthly list publishes: each assignment once, no notice or notification twice', async () => {
  await listPublishCrash(system, 12);
});

it('converges the read model after the database was down during projection writes', async () => {
  await databaseOutage(system, 6);
});

it('fires every pending timer once after kill -9 of the Temporal server', async () => {
  await temporalCrash(system, 6);
});
