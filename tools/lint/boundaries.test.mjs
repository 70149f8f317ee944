// The lint rules that keep workflow code deterministic and the projects layered, run on small fixture
// sources through ESLint's API with the repository's own eslint.config.js.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = join(import.meta.dirname, '..', '..');
const rulesUnderTest = new Set(['no-restricted-imports', 'no-restricted-globals', 'no-restricted-properties', 'duban/project-boundaries']);

let eslint;
beforeAll(() => {
  eslint = new ESLint({
    cwd: repoRoot,
    overrideConfigFile: join(repoRoot, 'eslint.config.js'),
    // Fixtures are not files of the TypeScript project: parse them without type information, run only these rules.
    overrideConfig: { languageOptions: { parserOptions: { project: null } } },
    ruleFilter: ({ ruleId }) => rulesUnderTest.has(ruleId),
  });
});

/** The rule ids reported for `code` as if it were the file at `path` (relative to the repository root). */
async function reported(path, code) {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, path) });
  return result.messages.map((message) => message.ruleId ?? message.message);
}

const workflow = 'workflows/src/fixture.workflow.ts';

describe('workflow code stays deterministic', () => {
  it.each([
    ['a bare Node built-in', "import { inspect } from 'util';\nexport const show = inspect;"],
    ['a Node built-in with node:', "import { EventEmitter } from 'node:events';\nexport const Emitter = EventEmitter;"],
    ['a built-in subpath', "import { readFile } from 'fs/promises';\nexport const read = readFile;"],
    ['a built-in subpath with node:', "export { setTimeout } from 'node:timers/promises';"],
    ['mongoose', "import mongoose from 'mongoose';\nexport const db = mongoose;"],
    ['the Temporal client', "import { Client } from '@temporalio/client';\nexport const client = Client;"],
    ['the Temporal worker', "import { Worker } from '@temporalio/worker';\nexport const worker = Worker;"],
    ['test code', "import { office } from './testing/harness.js';\nexport const actor = office;"],
  ])('refuses an import of %s', async (_what, code) => {
    expect(await reported(workflow, code)).toEqual(['no-restricted-imports']);
  });

  it('refuses reading process.env, through the global or globalThis', async () => {
    const code = 'export const zone = process.env.TZ;\nexport const again = globalThis.process.env.TZ;';
    expect(await reported(workflow, code)).toEqual(['no-restricted-globals', 'no-restricted-properties']);
  });

  it.each([
    ['the config lib', "import { readConfig } from '@duban/config';\nexport const read = readConfig;"],
    ['the Temporal client lib', "import { connectTemporalClient } from '@duban/temporal';\nexport const connect = connectTemporalClient;"],
    ['persistence', "import { openDatabase } from '@duban/persistence';\nexport const open = openDatabase;"],
    ['activities (a value)', "import { createCalendarActivities } from '@duban/activities';\nexport const create = createCalendarActivities;"],
    ['the e2e tests', "import '../../test/src/setup/provided.js';"],
  ])('refuses an import of %s', async (_what, code) => {
    expect(await reported(workflow, code)).toEqual(['duban/project-boundaries']);
  });

  it('passes a workflow using the Temporal workflow API, domain, contracts and the types of activities', async () => {
    const code = [
      "import { proxyActivities, sleep } from '@temporalio/workflow';",
      "import type * as activities from '@duban/activities';",
      "import { addCalendarDays } from '@duban/domain';",
      "import { stateQuery, type ActInput } from '@duban/contracts';",
      "import { superviseItem } from './supervision/supervised-process.js';",
      'const { shiftWorkingDays } = proxyActivities<Pick<ReturnType<typeof activities.createCalendarActivities>, "shiftWorkingDays">>({ startToCloseTimeout: "1 minute" });',
      'export async function fixtureWorkflow(input: ActInput): Promise<string> {',
      '  await sleep(1000);',
      '  await shiftWorkingDays([]);',
      '  return [addCalendarDays("2024-01-01", 1), stateQuery.name, typeof superviseItem, input.actor.name, new Date().toISOString()].join();',
      '}',
    ].join('\n');
    expect(await reported(workflow, code)).toEqual([]);
  });

  it('lets workflow tests use Node and real activity code', async () => {
    const code = "import { readFileSync } from 'node:fs';\nimport { startAssignmentWorkflows } from '@duban/activities';\nexport const used = [readFileSync, startAssignmentWorkflows, process.env.CI];";
    expect(await reported('workflows/src/fixture.workflow.test.ts', code)).toEqual([]);
  });
});

describe('projects import each other only downward', () => {
  it.each([
    ['an app imports another app', 'apps/api/src/fixture.ts', "import { startWorker } from '@duban/worker';\nexport const start = startWorker;"],
    ['an app reaches into another app by path', 'apps/api/src/fixture.ts', "import { startWorker } from '../../worker/src/worker.js';\nexport const start = startWorker;"],
    ['the web imports the API', 'apps/web/src/fixture.ts', "import type { AppModule } from '@duban/api';\nexport type Module = AppModule;"],
    ['the API imports activities', 'apps/api/src/fixture.ts', "import { createCalendarActivities } from '@duban/activities';\nexport const create = createCalendarActivities;"],
    ['the API imports workflows', 'apps/api/src/fixture.ts', "import { rectificationWorkflow } from '@duban/workflows';\nexport const run = rectificationWorkflow;"],
    ['the domain imports another workspace package', 'libs/domain/src/fixture.ts', "import { stateQuery } from '@duban/contracts';\nexport const query = stateQuery;"],
    ['persistence takes a value from contracts', 'libs/persistence/src/fixture.ts', "import { stateQuery } from '@duban/contracts';\nexport const query = stateQuery;"],
    ['a lib imports an app', 'libs/calendar/src/fixture.ts', "import { AppModule } from '@duban/api';\nexport const module = AppModule;"],
    ['an allowed project is reached by a relative path', 'test/src/fixture.e2e.test.ts', "import { addCalendarDays } from '../../libs/domain/src/index.js';\nexport const add = addCalendarDays;"],
  ])('refuses it when %s', async (_what, path, code) => {
    expect(await reported(path, code)).toEqual(['duban/project-boundaries']);
  });

  it.each([
    ['the worker imports workflows and activities', 'apps/worker/src/fixture.ts', "import { createCalendarActivities } from '@duban/activities';\nimport '@duban/workflows';\nexport const create = createCalendarActivities;"],
    ['the API imports libs', 'apps/api/src/fixture.ts', "import { WebhookTargets } from '@duban/webhooks';\nimport { loadCalendar } from '@duban/calendar';\nexport const used = [WebhookTargets, loadCalendar];"],
    ['persistence takes types from contracts', 'libs/persistence/src/fixture.ts', "import type { NotificationRequest } from '@duban/contracts';\nexport type Request = NotificationRequest;"],
    ['the e2e tests import the apps', 'test/src/fixture.e2e.test.ts', "import { AppModule } from '@duban/api';\nimport '@duban/worker';\nexport const module = AppModule;"],
  ])('allows it when %s', async (_what, path, code) => {
    expect(await reported(path, code)).toEqual([]);
  });
});
