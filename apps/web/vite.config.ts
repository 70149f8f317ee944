import { defineConfig } from 'vite';
import { precompress } from './build/precompress.ts';

/**
 * Libraries every page needs, each in a chunk of its own that stays cached across releases of the app's code.
 * Not antd: as one chunk it would bring every component to the login page (357 KB brotli instead of 223 KB);
 * split by the bundler, each page loads the components it uses.
 */
const VENDOR_CHUNKS = [
  { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/ },
  { name: 'dayjs', test: /node_modules[\\/]dayjs[\\/]/ },
];

// Served by the API at `/` (apps/api/src/web): built into dist/, no dev server needed for `npm start`.
export default defineConfig({
  root: import.meta.dirname,
  // Workspace packages resolve to their TypeScript sources, as in the tests.
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  plugins: [precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 3000,
    rolldownOptions: {
      // antd marks its modules "use client" for React Server Components; irrelevant to a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      output: { codeSplitting: { groups: VENDOR_CHUNKS } },
    },
  },
  logLevel: 'warn',
});
