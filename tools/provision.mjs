#!/usr/bin/env node
// Builds or fetches the pinned servers into the cache (~/.cache/duban by default). Idempotent.
import { provisionAll, binaries } from './lib/servers.mjs';
import { ensureBrowser } from './lib/browser.mjs';

provisionAll();
process.stdout.write(`chromium: ${ensureBrowser()}\n`);
for (const [name, path] of Object.entries(binaries)) process.stdout.write(`${name}: ${path}\n`);
