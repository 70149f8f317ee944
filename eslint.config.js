import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Workflow code runs in Temporal's deterministic sandbox: no Node APIs, no I/O libraries. */
const forbiddenInWorkflows = {
  paths: ['mongoose', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@duban/persistence', '@duban/activities'],
  patterns: [
    { group: ['node:*'], message: 'Workflow code must stay free of Node APIs (deterministic sandbox).' },
    { group: ['fs', 'path', 'crypto', 'os', 'http', 'https', 'net', 'child_process'], message: 'Workflow code must stay free of Node APIs.' },
    { group: ['@nestjs/*'], message: 'Workflow code must not import NestJS.' },
  ],
};

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
    files: ['workflows/src/**/*.ts', 'libs/domain/src/**/*.ts', 'libs/contracts/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'workflows/src/testing/**'],
    rules: { 'no-restricted-imports': ['error', forbiddenInWorkflows] },
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
