import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode, type OrgFile } from '@duban/api';
import { startStack, type ApiClient, type Stack } from './support/stack.js';

const PASSWORD = 'Auth-test-2026';

/** The API's clock, moved by the tests: lockouts, token lifetimes and idle timeouts pass in an instant. */
class TestClock {
  private t = Date.now();
  now = () => new Date(this.t);
  advance(minutes: number) {
    this.t += minutes * 60_000;
  }
}

const org: OrgFile = {
  units: [
    { id: 'county', name: '测试县', kind: 'county' },
    { id: 'office', name: '县巩固办', kind: 'office', parent: 'county' },
    { id: 'water', name: '县水利局', kind: 'department', parent: 'county' },
    { id: 'system', name: '系统管理', kind: 'county' },
  ],
  users: [
    { username: 'office', name: '办公室王主任', unit: 'office', roles: ['office'], password: PASSWORD },
    { username: 'water', name: '水利局张科长', unit: 'water', roles: ['unit'], password: PASSWORD },
    { username: 'locked', name: '被锁定的人', unit: 'water', roles: ['unit'], password: PASSWORD },
    { username: 'idle', name: '不活跃的人', unit: 'water', roles: ['unit'], password: PASSWORD },
    { username: 'admin', name: '系统管理员', unit: 'system', roles: ['sysadmin'], password: PASSWORD },
    { username: 'plain', name: '没有动态验证码的人', unit: 'water', roles: ['unit'], password: PASSWORD },
    { username: 'rebinder', name: '换手机的人', unit: 'water', roles: ['unit'], password: PASSWORD },
    { username: 'cached', name: '看缓存的人', unit: 'water', roles: ['unit'], password: PASSWORD },
    // No password: the loader generates one and marks it for change at first login.
    { username: 'newcomer', name: '新用户', unit: 'water', roles: ['unit'] },
  ],
};

const clock = new TestClock();
let stack: Stack;
let generated: string;

beforeAll(async () => {
  stack = await startStack(org, { clock });
  const { loadOrg } = await import('@duban/api');
  // Load once more to learn the generated password: the loader keeps it for a new user only, so make one.
  const result = await loadOrg(stack.database, { units: org.units, users: [{ username: 'newcomer2', name: '新用户二', unit: 'water', roles: ['unit'] }] });
  generated = result.generatedPasswords[0]!.password;
});

afterAll(async () => {
  await stack?.close();
});

const login = (username: string, password = PASSWORD, totp?: string) =>
  stack.api.post('/api/auth/login', { username, password, ...(totp ? { totp } : {}) });
const as = (token: string): ApiClient => stack.api.as(token);
/** A six-digit code the secret does not accept now (none of the three steps the server allows for drift). */
const wrongCode = (secret: string, username: string) => {
  const accepted = [-30_000, 0, 30_000].map((shift) => totpCode(secret, username, new Date(clock.now().getTime() + shift)));
  return ['000000', '000001', '000002', '000003'].find((code) => !accepted.includes(code))!;
};

describe('login and lockout', () => {
  it('locks an account for 15 minutes after 5 failed logins in a row, even for the right password', async () => {
    for (let i = 0; i < 5; i++) expect((await login('locked', 'Wrong-pass-1')).status).toBe(401);
    const locked = await login('locked');
    expect(locked.status).toBe(401);
    expect(locked.body.error.code).toBe('invalid_credentials');
    clock.advance(14);
    expect((await login('locked')).status).toBe(401);
    clock.advance(2);
    expect((await login('locked')).status).toBe(200);
  });

  it('answers a locked account exactly as an unknown username, so lockout does not tell which usernames exist', async () => {
    clock.advance(1.1);
    for (let i = 0; i < 5; i++) await login('locked', 'Wrong-pass-1');
    const answers = [await login('locked'), await login('locked', 'Wrong-pass-1'), await login('no-such-user'), await login('no-such-user', 'Wrong-pass-1')];
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
    const [lockedRight, ...others] = answers.map((a) => a.body);
    expect(lockedRight.error.code).toBe('invalid_credentials');
    for (const other of others) expect(other).toEqual(lockedRight);
    clock.advance(16);
    expect((await login('locked')).status).toBe(200);
  });

  it('forgets earlier failures after a successful login', async () => {
    for (let i = 0; i < 4; i++) await login('water', 'Wrong-pass-1');
    expect((await login('water')).status).toBe(200);
    for (let i = 0; i < 4; i++) await login('water', 'Wrong-pass-1');
    expect((await login('water')).status).toBe(200);
  });
});

describe('tokens and sessions', () => {
  it('ends a session at logout: its access and refresh tokens stop working at once', async () => {
    const { body } = await login('water');
    expect((await as(body.accessToken).get('/api/inbox')).status).toBe(200);
    expect((await as(body.accessToken).post('/api/auth/logout')).status).toBe(204);
    expect((await as(body.accessToken).get('/api/inbox')).status).toBe(401);
    expect((await stack.api.post('/api/auth/refresh', { refreshToken: body.refreshToken })).status).toBe(401);
  });

  it('expires access tokens after 15 minutes and renews them with a rotating refresh token; a reused refresh token ends the session', async () => {
    const { body } = await login('water');
    clock.advance(16);
    expect((await as(body.accessToken).get('/api/inbox')).status).toBe(401);
    const renewed = await stack.api.post('/api/auth/refresh', { refreshToken: body.refreshToken });
    expect(renewed.status).toBe(200);
    expect(renewed.body.refreshToken).not.toBe(body.refreshToken);
    expect((await as(renewed.body.accessToken).get('/api/inbox')).status).toBe(200);
    // The old refresh token comes back (a stolen copy?): the whole session ends.
    expect((await stack.api.post('/api/auth/refresh', { refreshToken: body.refreshToken })).status).toBe(401);
    expect((await as(renewed.body.accessToken).get('/api/inbox')).status).toBe(401);
    expect((await stack.api.post('/api/auth/refresh', { refreshToken: renewed.body.refreshToken })).status).toBe(401);
  });

  it('ends a session idle for more than 30 minutes', async () => {
    const { body } = await login('idle');
    clock.advance(10);
    expect((await as(body.accessToken).get('/api/inbox')).status).toBe(200);
    clock.advance(31);
    const refreshed = await stack.api.post('/api/auth/refresh', { refreshToken: body.refreshToken });
    expect(refreshed.status).toBe(401);
  });

  it('ends every session of a user who changes the password', async () => {
    const first = (await login('water')).body;
    const second = (await login('water')).body;
    const changed = await as(second.accessToken).post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'Changed-pass-2026' });
    expect(changed.status).toBe(200);
    expect((await as(first.accessToken).get('/api/inbox')).status).toBe(401);
    expect((await as(second.accessToken).get('/api/inbox')).status).toBe(401);
    expect((await as(changed.body.accessToken).get('/api/inbox')).status).toBe(200);
    expect((await login('water')).status).toBe(401);
    expect((await login('water', 'Changed-pass-2026')).status).toBe(200);
  });
});

describe('first login with a generated password', () => {
  it('allows nothing but a password change, refuses weak passwords naming the field, then works', async () => {
    const first = await login('newcomer2', generated);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ restrictions: ['password_change'], user: { mustChangePassword: true } });
    const client = as(first.body.accessToken);
    const blocked = await client.get('/api/inbox');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error).toEqual({ code: 'password_change_required', message: '请先修改初始密码' });
    expect((await client.get('/api/auth/me')).body.restrictions).toEqual(['password_change']);

    const weak = await client.post('/api/auth/password', { currentPassword: generated, newPassword: 'password' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.details.fields[0].field).toBe('newPassword');
    const wrongCurrent = await client.post('/api/auth/password', { currentPassword: 'Not-it-123', newPassword: 'Good-pass-2026' });
    expect(wrongCurrent.body.error.details.fields[0].field).toBe('currentPassword');

    const changed = await client.post('/api/auth/password', { currentPassword: generated, newPassword: 'Good-pass-2026' });
    expect(changed.body.restrictions).toEqual([]);
    expect((await as(changed.body.accessToken).get('/api/inbox')).status).toBe(200);
  });
});

describe('second factor (TOTP, RFC 6238)', () => {
  it('makes the sysadmin-chosen roles enrol, then asks every login for a fresh code', async () => {
    const admin = as((await login('admin')).body.accessToken);
    expect((await as((await login('office')).body.accessToken).put('/api/auth/policy', { totpRequiredRoles: ['office'] })).status).toBe(403);
    expect((await admin.put('/api/auth/policy', { totpRequiredRoles: ['office'] })).body).toEqual({ totpRequiredRoles: ['office'] });
    expect((await admin.put('/api/auth/policy', { totpRequiredRoles: ['king'] })).status).toBe(400);

    const office = await login('office');
    expect(office.body.restrictions).toEqual(['totp_enrollment']);
    const client = as(office.body.accessToken);
    expect((await client.get('/api/inbox')).body.error.code).toBe('totp_enrollment_required');

    const { secret, otpauthUri } = (await client.post('/api/auth/totp/setup')).body;
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect((await client.post('/api/auth/totp/enable', { code: '000000' })).status).toBe(400);
    expect((await client.post('/api/auth/totp/enable', { code: totpCode(secret, 'office', clock.now()) })).body).toEqual({ totpEnabled: true });
    expect((await client.get('/api/inbox')).status).toBe(200);

    clock.advance(1);
    expect((await login('office')).body.error.code).toBe('totp_required');
    const code = totpCode(secret, 'office', clock.now());
    const withCode = await login('office', PASSWORD, code);
    expect(withCode.status).toBe(200);
    expect(withCode.body.restrictions).toEqual([]);
    // The same code a second time is refused: it may have been seen over a shoulder.
    expect((await login('office', PASSWORD, code)).body.error.code).toBe('invalid_totp');
    clock.advance(1);
    expect((await login('office', PASSWORD, totpCode(secret, 'office', clock.now()))).status).toBe(200);
  });
});

describe('second factor state and re-binding', () => {
  it('says totpEnabled false for a user who never enabled it: login answer, /api/auth/me and the user detail', async () => {
    clock.advance(1.1);
    await login('plain', 'Wrong-pass-1'); // a failed login writes the security record without a TOTP secret
    const loggedIn = await login('plain');
    expect(loggedIn.status).toBe(200);
    expect(loggedIn.body.user.totpEnabled).toBe(false);
    const plain = as(loggedIn.body.accessToken);
    await plain.post('/api/auth/totp/setup'); // a secret offered but never proved does not enable anything
    expect((await plain.get('/api/auth/me')).body.totpEnabled).toBe(false);
    const admin = as((await login('admin')).body.accessToken);
    expect((await admin.get(`/api/users/${loggedIn.body.user.id}`)).body.totpEnabled).toBe(false);
  });

  it('re-binds an enabled second factor only with the current password or a current code', async () => {
    clock.advance(1.1);
    const first = as((await login('rebinder')).body.accessToken);
    const { secret } = (await first.post('/api/auth/totp/setup')).body;
    expect((await first.post('/api/auth/totp/enable', { code: totpCode(secret, 'rebinder', clock.now()) })).status).toBe(200);
    clock.advance(1);
    const session = as((await login('rebinder', PASSWORD, totpCode(secret, 'rebinder', clock.now()))).body.accessToken);

    // A session alone (a stolen token, an unlocked screen) may not replace the secret.
    const bare = await session.post('/api/auth/totp/setup');
    expect(bare.status).toBe(400);
    expect(bare.body.error.details.fields[0].field).toBe('currentPassword');
    const wrong = await session.post('/api/auth/totp/setup', { currentPassword: 'Not-it-2026' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.fields[0].field).toBe('currentPassword');
    const badCode = await session.post('/api/auth/totp/setup', { code: wrongCode(secret, 'rebinder') });
    expect(badCode.status).toBe(400);
    expect(badCode.body.error.details.fields[0].field).toBe('code');
    const stray = await session.post('/api/auth/totp/enable', { code: totpCode(secret, 'rebinder', clock.now()) });
    expect(stray.status).toBe(400);
    clock.advance(1);
    expect((await login('rebinder', PASSWORD, totpCode(secret, 'rebinder', clock.now()))).status).toBe(200);

    // With the password: a new secret, proved by its code, replaces the old one.
    const withPassword = await session.post('/api/auth/totp/setup', { currentPassword: PASSWORD });
    expect(withPassword.status).toBe(200);
    const next = withPassword.body.secret as string;
    expect((await session.post('/api/auth/totp/enable', { code: totpCode(next, 'rebinder', clock.now()) })).body).toEqual({ totpEnabled: true });
    clock.advance(1);
    expect((await login('rebinder', PASSWORD, totpCode(secret, 'rebinder', clock.now()))).body.error.code).toBe('invalid_totp');
    clock.advance(1);
    expect((await login('rebinder', PASSWORD, totpCode(next, 'rebinder', clock.now()))).status).toBe(200);

    // With a current code of the bound secret instead of the password.
    clock.advance(1);
    const withCode = await session.post('/api/auth/totp/setup', { code: totpCode(next, 'rebinder', clock.now()) });
    expect(withCode.status).toBe(200);
  });
});

describe('caching of answers that carry tokens or secrets', () => {
  const raw = (path: string, body?: unknown, token?: string) =>
    fetch(`${stack.baseUrl}${path}`, {
      method: 'POST',
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const expectNoStore = (response: Response, what: string) => {
    expect({ what, status: response.status, cacheControl: response.headers.get('cache-control'), pragma: response.headers.get('pragma') }).toEqual({
      what,
      status: 200,
      cacheControl: 'no-store',
      pragma: 'no-cache',
    });
  };

  it('sends Cache-Control: no-store and Pragma: no-cache with login, refresh, password change and TOTP answers', async () => {
    clock.advance(1.1);
    const loggedIn = await raw('/api/auth/login', { username: 'cached', password: PASSWORD });
    expectNoStore(loggedIn, 'login');
    const tokens = (await loggedIn.json()) as { accessToken: string; refreshToken: string };
    const refreshed = await raw('/api/auth/refresh', { refreshToken: tokens.refreshToken });
    expectNoStore(refreshed, 'refresh');
    const { accessToken } = (await refreshed.json()) as { accessToken: string };
    const setup = await raw('/api/auth/totp/setup', undefined, accessToken);
    expectNoStore(setup, 'totp/setup');
    const { secret } = (await setup.json()) as { secret: string };
    expectNoStore(await raw('/api/auth/totp/enable', { code: totpCode(secret, 'cached', clock.now()) }, accessToken), 'totp/enable');
    expectNoStore(await raw('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'Kept-nowhere-2026' }, accessToken), 'password');
  });
});

describe('rate limit', () => {
  it('refuses more than 30 login attempts a minute from one address with 429', async () => {
    clock.advance(2);
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await login('nobody', 'Whatever-1')).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
    clock.advance(1.1);
    expect((await login('nobody', 'Whatever-1')).status).toBe(401);
  });
});
