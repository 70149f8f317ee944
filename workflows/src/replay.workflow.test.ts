import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import './testing/provided.js';
import * as workflows from './index.js';
import { HISTORY_DIR, loadHistory } from './testing/histories.js';

const files = readdirSync(HISTORY_DIR).filter((name) => name.endsWith('.json')).sort();

/**
 * Running items must survive code changes: every recorded history replays against today's workflow
 * bundle, so a change that would break a running item (a non-deterministic change) fails here.
 */
describe('replay of recorded histories', () => {
  it('covers every workflow type the worker runs', () => {
    const exported = Object.entries(workflows).filter(([, value]) => typeof value === 'function').map(([name]) => name);
    expect(new Set(files.map((file) => loadHistory(file).workflowType))).toEqual(new Set(exported));
  });

  it.each(files)('replays %s deterministically', async (file) => {
    const workflowBundle = { code: readFileSync(inject('workflowBundlePath'), 'utf8') };
    await expect(Worker.runReplayHistory({ workflowBundle }, loadHistory(file).history, file)).resolves.toBeUndefined();
  });
});
