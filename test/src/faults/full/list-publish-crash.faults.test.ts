import { afterAll, beforeAll, it } from 'vitest';
import { FaultSystem } from '../support/fault-system.js';
import { listPublishCrash } from '../support/scenarios.js';

let system: FaultSystem;
beforeAll(async () => {
  system = await FaultSystem.start();
});
afterAll(async () => {
  await system?.close();
});

it('survives kill -9 of the worker while a 2,000-assignment list publishes: each once, no notice or notification twice', async () => {
  await listPublishCrash(system, 400);
}, 3_600_000); // 2,000 assignments on FerretDB v1 (SQLite) take 20–40 min on 2 cores: see docs/operations.md, The fault suite
