import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Security headers (helmet) on every answer. The API answers JSON only, so its policy allows nothing to
 * load or frame it; the Swagger UI under `docsPath` needs its own scripts, inline styles and data: images.
 * Neither policy has `upgrade-insecure-requests`: the API is also served over plain HTTP on loopback
 * (npm start, tests) and behind a TLS proxy in production. HSTS is sent anyway — browsers ignore it over
 * HTTP and honour it once a TLS proxy is in front.
 */
export function securityHeaders(docsPath: string, apiPath = '/api'): RequestHandler {
  const shared: HelmetOptions = {
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  };
  const api = helmet({
    ...shared,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] },
    },
  });
  const docs = helmet({
    ...shared,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        // swagger-ui's page has <style> blocks and style attributes; its CSS uses data: images.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  // The web workbench (apps/web, served outside `apiPath`): only its own scripts; Ant Design writes its CSS-in-JS
  // as <style> elements and style attributes, so styles (and nothing else) may be inline. Images may be data:/blob:
  // (icons, photo previews before upload).
  const web = helmet({
    ...shared,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  const isUnder = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);
  return (request, response, next) => {
    const policy = isUnder(request.path, docsPath) ? docs : isUnder(request.path, apiPath) ? api : web;
    policy(request, response, next);
  };
}
