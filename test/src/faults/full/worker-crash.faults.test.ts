import { afterAll, beforeAll, it } from 'vitest';
import { FaultSystem } from '../support/fault-system.js';
import { workerCrash } from '../support/scenarios.js';
import { registerMany } from '../support/workloads.js';

let system: FaultSystem;
beforeAll(async () => {
  system = await FaultSystem.start();
});
afterAll(async () => {
  await system?.close();
});

it('survives kill -9 of the worker while 400 items are registered: each once, no notice or notification twice', async () => {
  await workerCrash(system, 400, registerMany);
});
