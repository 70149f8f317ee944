import swc from 'unplugin-swc';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// NestJS needs decorator metadata, which esbuild drops: SWC compiles TypeScript for every suite.
const typescript = swc.vite({
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
  },
  module: { type: 'es6' },
});

const serverTimeouts = { testTimeout: 60_000, hookTimeout: 180_000 };

export default defineConfig({
  plugins: [typescript],
  // Workspace packages resolve to their TypeScript sources (the "source" export condition).
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions], externalConditions: ['source'] } },
  test: {
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'domain', include: ['libs/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'activities/src/**/*.test.ts', 'bench/src/**/*.test.ts', 'tools/**/*.test.mjs'] },
      },
      {
        extends: true,
        test: {
          name: 'workflows',
          include: ['workflows/src/**/*.test.ts'],
          globalSetup: ['test/src/setup/workflow-bundle.global.ts'],
          setupFiles: ['test/src/setup/quiet-temporal.setup.ts'],
          ...serverTimeouts,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/src/**/*.e2e.test.ts'],
          globalSetup: ['test/src/setup/servers.global.ts', 'test/src/setup/workflow-bundle.global.ts'],
          ...serverTimeouts,
        },
      },
      {
        extends: true,
        test: {
          // Fault scenarios: each file starts its own servers and a worker process, and kills them (docs/operations.md).
          name: 'faults',
          // `npm test`: the short suite; `npm run faults` (DUBAN_FAULTS=full): each scenario at full size.
          // The supervision test (npm start restarting killed parts) runs in both.
          include: [process.env.DUBAN_FAULTS === 'full' ? 'test/src/faults/full/*.faults.test.ts' : 'test/src/faults/short.faults.test.ts', 'test/src/faults/supervision.faults.test.ts'],
          globalSetup: ['test/src/setup/workflow-bundle.global.ts'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
