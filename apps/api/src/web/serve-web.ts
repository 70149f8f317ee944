import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/web/dist, the same two levels up from apps/api/src/web (sources, tests) and apps/api/dist/web (npm start). */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/**
 * Serves the built web workbench (apps/web) at `/`: its hashed assets for a year, and `index.html` for every other
 * page path so the browser's router can take over (a reload on /items/… works). Paths under the API prefix are
 * never touched. Does nothing when the web app has not been built (an API-only deployment).
 */
export function serveWeb(app: NestExpressApplication, apiPrefix: string, root = WEB_DIST): boolean {
  const index = join(root, 'index.html');
  if (!existsSync(index)) return false;
  const isApi = (path: string) => path === `/${apiPrefix}` || path.startsWith(`/${apiPrefix}/`);
  app.useStaticAssets(root, {
    index: false,
    setHeaders(response, path) {
      response.setHeader('Cache-Control', path.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || isApi(request.path) || !request.accepts('html')) return next();
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
  return true;
}
