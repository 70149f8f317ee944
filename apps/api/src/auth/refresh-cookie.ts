import { HttpStatus } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import { ApiError } from '../common/api-error.js';
import { AUTH_RULES } from './auth-settings.js';
import type { TokenPair } from './auth.service.js';

/**
 * The web workbench keeps its refresh token where its scripts cannot read it: an HttpOnly cookie, sent only to
 * /api/auth and only by pages of this site (SameSite=Strict), so every tab of the browser can renew its own
 * in-memory access token from it. A browser asks for this with the header below on login, refresh and password
 * change; other clients keep the refresh token in the JSON body as before. Refreshing from the cookie needs the
 * header too: a cross-site form cannot send it, and a cross-site script must pass a CORS preflight first.
 */
export const SESSION_COOKIE_HEADER = 'x-session-cookie';
export const REFRESH_COOKIE = 'duban_refresh';
const COOKIE_PATH = '/api/auth';

export function wantsSessionCookie(request: Request): boolean {
  return request.header(SESSION_COOKIE_HEADER) === '1';
}

/** The refresh token from the body, or, for a browser that asked for the cookie, from the cookie. */
export function refreshTokenOf(request: Request, fromBody: string | undefined): string {
  const token = fromBody ?? (wantsSessionCookie(request) ? cookieValue(request, REFRESH_COOKIE) : undefined);
  if (!token) throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', '登录已失效，请重新登录');
  return token;
}

/** For a browser that asked for the cookie: the refresh token goes into it and out of the answer. */
export function deliverTokens<T extends TokenPair>(request: Request, response: Response, result: T): T | Omit<T, 'refreshToken'> {
  if (!wantsSessionCookie(request)) return result;
  response.cookie(REFRESH_COOKIE, result.refreshToken, { ...cookieOptions(request), maxAge: AUTH_RULES.sessionMaxSeconds * 1000 });
  const { refreshToken: _kept, ...rest } = result;
  return rest;
}

export function clearRefreshCookie(request: Request, response: Response): void {
  response.clearCookie(REFRESH_COOKIE, cookieOptions(request));
}

function cookieOptions(request: Request): CookieOptions {
  // Secure whenever the browser came over HTTPS, also through a TLS-terminating proxy (a stricter cookie, never a looser one).
  const https = request.secure || request.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
  return { httpOnly: true, sameSite: 'strict', secure: https, path: COOKIE_PATH };
}

function cookieValue(request: Request, name: string): string | undefined {
  for (const pair of (request.header('cookie') ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return decodeURIComponent(pair.slice(at + 1).trim());
  }
  return undefined;
}
