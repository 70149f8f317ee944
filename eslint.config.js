import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { projectBoundariesRule } from './tools/lint/project-boundaries.mjs';

/**
 * Workflow code runs in Temporal's deterministic sandbox: no Node APIs, no I/O libraries, nothing of the tests.
 * Workspace projects (config, temporal, persistence, activities, test) are kept out by the boundaries below.
 */
const nodeBuiltins = [...new Set(builtinModules.map((name) => name.split('/')[0]))].join('|');
const forbiddenInWorkflows = {
  paths: ['mongoose', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing', 'vitest'],
  patterns: [
    // Every Node built-in, with or without `node:`, and its subpaths (`fs/promises`, `util/types`).
    { regex: `^(node:|(${nodeBuiltins})(/|$))`, message: 'Workflow code must stay free of Node APIs (deterministic sandbox).' },
    { group: ['@nestjs/*'], message: 'Workflow code must not import NestJS.' },
    { regex: '(^|/)testing(/|$)|\\.test(\\.js)?$', message: 'Workflow code must not import test code.' },
  ],
};
const nodeGlobalsInWorkflows = ['process', 'Buffer', 'global', 'require', '__dirname', '__filename', 'setImmediate', 'clearImmediate'].map((name) => ({
  name,
  message: `Workflow code must not use the Node global \`${name}\` (deterministic sandbox; configuration comes in the workflow input).`,
}));

/**
 * Layering of the workspace projects by their Nx tags (package.json "nx.tags"; see tools/lint/project-boundaries.mjs):
 * apps depend on libs downward and never on another app (the worker also on workflows and activities);
 * workflows only on the sandbox-safe libs, on activities by type alone (proxyActivities<typeof …>).
 */
const depConstraints = [
  { sourceTag: 'type:app', notDependOnLibsWithTags: ['type:app', 'type:e2e'] },
  { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'scope:worker', onlyDependOnLibsWithTags: ['type:lib', 'type:workflows', 'type:activities'] },
  { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:domain', 'scope:contracts'] },
  { sourceTag: 'type:workflows', onlyDependOnLibsWithTags: ['scope:domain', 'scope:contracts'], typeOnlyDependOnLibsWithTags: ['type:activities'] },
  { sourceTag: 'type:activities', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'scope:domain', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: ['scope:domain'] },
  // Contracts define the workflows' updates and queries with @temporalio/workflow: persistence takes its types only.
  { sourceTag: 'scope:persistence', onlyDependOnLibsWithTags: ['scope:domain'], typeOnlyDependOnLibsWithTags: ['scope:contracts'] },
  { sourceTag: 'scope:config', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'scope:temporal', onlyDependOnLibsWithTags: ['scope:contracts', 'scope:config'] },
  { sourceTag: 'scope:calendar', onlyDependOnLibsWithTags: ['scope:domain', 'scope:persistence'], typeOnlyDependOnLibsWithTags: ['scope:contracts'] },
  { sourceTag: 'scope:webhooks', onlyDependOnLibsWithTags: ['scope:config'] },
];
/** Workflow tests run workflows with real activity code and libraries as stand-ins; still never the e2e project. */
const testDepConstraints = depConstraints.map((constraint) =>
  constraint.sourceTag === 'type:workflows' ? { sourceTag: 'type:workflows', onlyDependOnLibsWithTags: ['type:lib', 'type:activities'] } : constraint,
);
const testFiles = ['**/*.test.ts', 'workflows/src/testing/**'];
const boundaries = (constraints) => ['error', { workspaceRoot: import.meta.dirname, depConstraints: constraints }];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/dist.*.tmp/**', '**/node_modules/**', '.data/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    ignores: ['apps/web/**'],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.spec.json'], tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { duban: { rules: { 'project-boundaries': projectBoundariesRule } } },
    rules: { 'duban/project-boundaries': boundaries(depConstraints) },
  },
  {
    files: testFiles,
    rules: { 'duban/project-boundaries': boundaries(testDepConstraints) },
  },
  {
    // Bundled into the workflow sandbox: the workflows and the libraries they import.
    files: ['workflows/src/**/*.ts', 'libs/domain/src/**/*.ts', 'libs/contracts/src/**/*.ts'],
    ignores: testFiles,
    rules: {
      'no-restricted-imports': ['error', forbiddenInWorkflows],
      'no-restricted-globals': ['error', ...nodeGlobalsInWorkflows],
      'no-restricted-properties': ['error', ...nodeGlobalsInWorkflows.map(({ name, message }) => ({ object: 'globalThis', property: name, message }))],
    },
  },
  {
    // The web workbench: browser code, typed by its own project (DOM, JSX, bundler resolution).
    files: ['apps/web/**/*.ts', 'apps/web/**/*.tsx'],
    languageOptions: {
      parserOptions: { project: ['./apps/web/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['tools/**/*.mjs', '*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
);
