// Debian's Chromium and CJK fonts for the browser tests (playwright-core drives /usr/bin/chromium).
// Node built-ins only. Installed with apt-get when missing and we may (root), like faketime in servers.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { APT_WAIT_FOR_LOCK } from './servers.mjs';

export const CHROMIUM = process.env.DUBAN_CHROMIUM ?? '/usr/bin/chromium';

/** Debian packages: the browser, and fonts with Chinese glyphs (without them every page text is boxes). */
const PACKAGES = ['chromium', 'fonts-noto-cjk'];

function log(message) {
  process.stderr.write(`[duban] ${message}\n`);
}

function installed(pkg) {
  return spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes('install ok installed') ?? false;
}

export function ensureBrowser() {
  const missing = PACKAGES.filter((pkg) => !installed(pkg));
  if (missing.length === 0 && existsSync(CHROMIUM)) return CHROMIUM;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || spawnSync('sh', ['-c', 'command -v apt-get']).status !== 0) {
    if (existsSync(CHROMIUM) && missing.every((pkg) => pkg !== 'chromium')) return CHROMIUM;
    throw new Error(`${missing.join(', ')} not installed: install the Debian packages ${PACKAGES.join(' ')} (see README, Prerequisites)`);
  }
  log(`installing Debian packages ${missing.join(' ')} (first time only)`);
  const started = Date.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', [...APT_WAIT_FOR_LOCK, 'install', '-y', '-qq', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (install().status !== 0) {
    const update = spawnSync('apt-get', [...APT_WAIT_FOR_LOCK, 'update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (update.status !== 0 || install().status !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed`);
  }
  log(`${missing.join(' ')} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!existsSync(CHROMIUM)) throw new Error(`chromium installed but ${CHROMIUM} not found`);
  return CHROMIUM;
}
