import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { binaries } from '../../tools/lib/servers.mjs';
import { PASSWORD, testCounty } from './support/org-fixture.js';
import { startStack, type Stack } from './support/stack.js';

/** Examples per operation: a short run inside `npm test`, a long one with `npm run fuzz`. */
const EXAMPLES = Number(process.env.DUBAN_FUZZ_EXAMPLES ?? 4);
const SEED = Number(process.env.DUBAN_FUZZ_SEED ?? 20261122);
/** Time budget per run, in seconds. */
const SECONDS = Number(process.env.DUBAN_FUZZ_SECONDS ?? 25);

let stack: Stack;

beforeAll(async () => {
  stack = await startStack(testCounty);
});

afterAll(async () => {
  await stack?.close();
});

/**
 * CPython 3.11 (the machine's Python) has a bug that can crash hypothesis inside schemathesis with
 * "SystemError: AST constructor recursion depth mismatch" (python/cpython#106905). Such a run found nothing
 * about the API; it is run again with the next seed (three seeds at most) — but never when the run reported
 * failures of its own.
 */
const TOOL_CRASH = /AST constructor recursion depth mismatch/;

async function fuzzAs(username: string): Promise<{ code: number | null; output: string }> {
  // Up to three seeds: the crash hit two seeds in a row once (2026-12-06, the second run's 1,536 cases all passed).
  for (let seed = SEED; ; seed++) {
    const run = await fuzzOnce(username, seed);
    if (run.code === 0 || !TOOL_CRASH.test(run.output) || /FAILURES/.test(run.output) || seed >= SEED + 2) return run;
    console.warn(`schemathesis crashed on the CPython 3.11 AST bug (seed ${seed}); running again with seed ${seed + 1}`);
  }
}

/** Runs schemathesis against the live API as `username`; resolves with its exit code and output. */
async function fuzzOnce(username: string, seed: number): Promise<{ code: number | null; output: string }> {
  const token = (await stack.api.post('/api/auth/login', { username, password: PASSWORD })).body.accessToken as string;
  const args = [
    'run',
    `${stack.baseUrl}/api/openapi.json`,
    '--url', stack.baseUrl,
    '--header', `Authorization: Bearer ${token}`,
    '--checks', 'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
    '--max-examples', String(EXAMPLES),
    '--seed', String(seed),
    '--workers', '2',
    '--phases', process.env.DUBAN_FUZZ_PHASES ?? 'examples,fuzzing',
    '--max-time', String(SECONDS),
    // Steps that end the fuzzer's own session would turn every later request into a 401.
    '--exclude-path-regex', '^/api/auth/(logout|password|totp)',
    '--request-timeout', '20',
    '--no-color',
  ];
  return new Promise((resolve) => {
    const child = spawn(binaries.schemathesis as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('fuzzing the API from its OpenAPI document (schemathesis)', () => {
  it.each(['office', 'water'])('answers %s without a server error, and every response matches the documented schema', async (username) => {
    const { code, output } = await fuzzAs(username);
    // Only a failure prints schemathesis' output: its pytest-style closing line would read as this run's.
    if (code !== 0) console.log(output.slice(-20_000));
    expect(code).toBe(0);
    expect(output).toMatch(/passed|No issues found/i);
  }, (3 * SECONDS + 180) * 1000);
});
