import { defineConfig } from 'vite';

// Served by the API at `/` (apps/api/src/web): built into dist/, no dev server needed for `npm start`.
export default defineConfig({
  root: import.meta.dirname,
  // Workspace packages resolve to their TypeScript sources, as in the tests.
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 3000,
    rolldownOptions: {
      // antd marks its modules "use client" for React Server Components; irrelevant to a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  logLevel: 'warn',
});
