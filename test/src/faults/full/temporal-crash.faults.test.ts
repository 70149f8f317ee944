import { afterAll, beforeAll, it } from 'vitest';
import { FaultSystem } from '../support/fault-system.js';
import { temporalCrash } from '../support/scenarios.js';

let system: FaultSystem;
beforeAll(async () => {
  system = await FaultSystem.start();
});
afterAll(async () => {
  await system?.close();
});

it('fires each of 100 items\' pending timers exactly once after kill -9 of the Temporal server', async () => {
  await temporalCrash(system, 100, 90_000);
});
