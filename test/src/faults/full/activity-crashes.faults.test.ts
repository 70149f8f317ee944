import { afterAll, beforeAll, expect, it } from 'vitest';
import { FaultSystem } from '../support/fault-system.js';
import { activityCrashes, workerMetrics } from '../support/scenarios.js';

const CRASHES = 100;
let system: FaultSystem;
beforeAll(async () => {
  system = await FaultSystem.start({ workerEnv: { DUBAN_FAULT_ACTIVITY_CRASHES: String(CRASHES) } });
});
afterAll(async () => {
  await system?.close();
});

it(`leaves no duplicate side effect after ${CRASHES} activity crashes mid-write (200 items)`, async () => {
  await activityCrashes(system, 200, CRASHES);
  await workerMetrics(system, { minActivityFailures: CRASHES });
  expect(await system.stopWorkerGracefully()).toBe(0);
});
