import { afterAll, beforeAll, it } from 'vitest';
import { FaultSystem } from '../support/fault-system.js';
import { databaseOutage } from '../support/scenarios.js';

let system: FaultSystem;
beforeAll(async () => {
  system = await FaultSystem.start();
});
afterAll(async () => {
  await system?.close();
});

it('converges the read model to the workflows after a database outage (100 + 100 items)', async () => {
  await databaseOutage(system, 100);
});
