import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/web/dist, the same two levels up from apps/api/src/web (sources, tests) and apps/api/dist/web (npm start). */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Hashed file names: a new build gives a new name, so a browser may keep these for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The variants the build writes beside each text asset (apps/web/build/precompress.ts), best first. */
const ENCODINGS = [
  { encoding: 'br', extension: '.br' },
  { encoding: 'gzip', extension: '.gz' },
] as const;

/**
 * Serves the built web workbench (apps/web) at `/`: its hashed assets for a year, brotli or gzip as the build
 * compressed them when the browser accepts it, and `index.html` (never cached without asking) for every other
 * page path so the browser's router can take over (a reload on /items/… works). Paths under the API prefix are
 * never touched. Does nothing when the web app has not been built (an API-only deployment).
 */
export function serveWeb(app: NestExpressApplication, apiPrefix: string, root = WEB_DIST): boolean {
  const index = join(root, 'index.html');
  if (!existsSync(index)) return false;
  const isApi = (path: string) => path === `/${apiPrefix}` || path.startsWith(`/${apiPrefix}/`);
  app.use('/assets', precompressedAssets(join(root, 'assets')));
  app.useStaticAssets(root, {
    index: false,
    setHeaders(response, path) {
      response.setHeader('Cache-Control', path.startsWith(join(root, 'assets')) ? IMMUTABLE : 'no-cache');
    },
  });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || isApi(request.path) || !request.accepts('html')) return next();
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
  return true;
}

/** Sends `<asset>.br` or `<asset>.gz` for an asset that has one and an Accept-Encoding that takes it; else passes on. */
function precompressedAssets(assets: string) {
  const files = new Set(existsSync(assets) ? readdirSync(assets) : []);
  return (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    const name = request.path.slice(1);
    if (name.includes('/') || !files.has(name)) return next();
    const variants = ENCODINGS.filter(({ extension }) => files.has(name + extension));
    if (variants.length === 0) return next();
    // Caches keep one copy per encoding, also of the uncompressed answer.
    response.vary('Accept-Encoding');
    // Ours first (brotli is the smaller), among those the browser takes: browsers give them all the same weight.
    const chosen = variants.find(({ encoding }) => request.acceptsEncodings(encoding) === encoding);
    if (!chosen) return next();
    response.setHeader('Content-Encoding', chosen.encoding);
    response.setHeader('Cache-Control', IMMUTABLE);
    // The type of the asset, not of its .br/.gz file (sendFile leaves a type already set).
    response.type(extname(name));
    response.sendFile(join(assets, name + chosen.extension), { dotfiles: 'deny' }, (error?: Error) => {
      if (error) next(error);
    });
  };
}
