// Debian's Chromium and CJK fonts for the browser tests (playwright-core drives /usr/bin/chromium).
// Node built-ins only. Installed with apt-get when missing and we may (root), like faketime in servers.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { aptInstall } from './servers.mjs';

export const CHROMIUM = process.env.DUBAN_CHROMIUM ?? '/usr/bin/chromium';

/** Debian packages: the browser, and fonts with Chinese glyphs (without them every page text is boxes). */
const PACKAGES = ['chromium', 'fonts-noto-cjk'];

function installed(pkg) {
  return spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes('install ok installed') ?? false;
}

export function ensureBrowser() {
  const missing = PACKAGES.filter((pkg) => !installed(pkg));
  if (missing.length === 0 && existsSync(CHROMIUM)) return CHROMIUM;
  const mayInstall = typeof process.getuid === 'function' && process.getuid() === 0;
  // Without root, a Chromium already there serves even when only the fonts are missing.
  if (!mayInstall && existsSync(CHROMIUM) && missing.every((pkg) => pkg !== 'chromium')) return CHROMIUM;
  aptInstall(missing, `${missing.join(', ')} not installed`);
  if (!existsSync(CHROMIUM)) throw new Error(`chromium installed but ${CHROMIUM} not found`);
  return CHROMIUM;
}
