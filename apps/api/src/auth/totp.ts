import { Secret, TOTP } from 'otpauth';

const ISSUER = '督办 Duban';

function totpFor(secret: string, username: string): TOTP {
  return new TOTP({ issuer: ISSUER, label: username, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app scans (as a QR code in the UI). */
export function totpUri(secret: string, username: string): string {
  return totpFor(secret, username).toString();
}

/**
 * The time step a code belongs to, allowing one step of clock drift either way; null when the code is
 * wrong. Callers refuse steps at or before the last accepted one, so a code works once.
 */
export function totpStep(secret: string, username: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secret, username).validate({ token: code, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : Math.floor(now.getTime() / 30_000) + delta;
}

/** For tests: the code an authenticator shows at `now`. */
export function totpCode(secret: string, username: string, now: Date): string {
  return totpFor(secret, username).generate({ timestamp: now.getTime() });
}
