import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp, resolveJwtSecret, systemClock, type OrgFile } from '@duban/api';
import { shanghaiDate } from '@duban/domain';
import { startStack, type ApiClient, type ApiResponse, type Stack } from './support/stack.js';

const PASSWORD = 'Test-passw0rd';

/** The sysadmin in a unit of its own (as bootstrapAdmin creates it), next to a small county with business users. */
const org: OrgFile = {
  units: [
    { id: 'system', name: '系统管理', kind: 'county' },
    { id: 'county', name: '测试县', kind: 'county' },
    { id: 'office', name: '县巩固拓展脱贫攻坚成果工作领导小组办公室', kind: 'office', parent: 'county' },
    { id: 'water', name: '县水利局', kind: 'department', parent: 'county' },
    { id: 'town-a', name: '甲镇', kind: 'township', parent: 'county' },
  ],
  users: [
    { username: 'admin', name: '系统管理员', unit: 'system', roles: ['sysadmin'], password: PASSWORD },
    { username: 'office', name: '办公室王主任', unit: 'office', roles: ['office'], password: PASSWORD },
    { username: 'water', name: '水利局张科长', unit: 'water', roles: ['unit'], password: PASSWORD },
    { username: 'auditor', name: '审计管理员', unit: 'office', roles: ['auditor'], password: PASSWORD },
    { username: 'keeper', name: '水利局钱干事', unit: 'water', roles: ['unit'], password: PASSWORD },
    { username: 'leaver', name: '水利局孙干事', unit: 'water', roles: ['unit'], password: PASSWORD },
  ],
};

let stack: Stack;
let admin: ApiClient;
let office: ApiClient;
let water: ApiClient;
let auditor: ApiClient;
let adminId: string;

const login = (username: string, password: string) => stack.api.post('/api/auth/login', { username, password });
const fieldsOf = (response: ApiResponse) => (response.body.error.details.fields as { field: string }[]).map((f) => f.field);
const revokedAt = async (username: string) =>
  ((await stack.database.collection('users').findOne({ username })) as { sessionsRevokedAt?: Date | null } | null)?.sessionsRevokedAt;

beforeAll(async () => {
  stack = await startStack(org);
  const as = (username: string) => stack.api.login(username, PASSWORD);
  [admin, office, water, auditor] = await Promise.all([as('admin'), as('office'), as('water'), as('auditor')]);
  adminId = (await login('admin', PASSWORD)).body.user.id as string;
});

afterAll(async () => {
  await stack?.close();
});

async function createUser(username: string, roles: string[] = ['unit'], unitId = 'water'): Promise<{ id: string; password: string }> {
  const created = await admin.post('/api/users', { username, name: `${username} 经办人`, unitId, roles });
  expect(created.status).toBe(201);
  return { id: created.body.user.id as string, password: created.body.password as string };
}

describe('users administered by the sysadmin', () => {
  it('creates a user with a generated password shown once; it logs in and must be changed', async () => {
    const created = await admin.post('/api/users', { username: 'water-2', name: ' 水利局李干事 ', unitId: 'water', roles: ['unit'] });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({
      username: 'water-2',
      name: '水利局李干事',
      unitId: 'water',
      roles: ['unit'],
      roleLabels: ['责任单位经办人'],
      mustChangePassword: true,
      disabled: false,
      totpEnabled: false,
    });
    expect(created.body.password).toMatch(/^\S{12,}$/);

    const loggedIn = await login('water-2', created.body.password);
    expect(loggedIn.status).toBe(200);
    expect(loggedIn.body.user).toMatchObject({ username: 'water-2', mustChangePassword: true });

    const stored = await stack.database.collection('users').findOne({ username: 'water-2' });
    expect(stored).toMatchObject({ mustChangePassword: true, disabled: false, sessionsRevokedAt: null });
    expect(String(stored?.passwordHash)).toMatch(/^\$2[aby]\$10\$/);
  });

  it('lists users by username, keyset-paged and filtered, without password hashes, secrets or token data', async () => {
    const all = await admin.get('/api/users');
    expect(all.status).toBe(200);
    const usernames = (all.body.items as { username: string }[]).map((u) => u.username);
    expect(usernames).toEqual([...usernames].sort());
    expect(usernames).toEqual(expect.arrayContaining(['admin', 'auditor', 'office', 'water']));
    const text = JSON.stringify(all.body);
    for (const secret of ['passwordHash', '$2a$', '$2b$', 'totpSecret', 'totpPendingSecret', 'sessionsRevokedAt', 'refresh', 'token'])
      expect(text).not.toContain(secret);
    expect(Object.keys(all.body.items[0]).sort()).toEqual(
      ['createdAt', 'disabled', 'id', 'mustChangePassword', 'name', 'roleLabels', 'roles', 'totpEnabled', 'unitId', 'username'].sort(),
    );

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse = await admin.get(`/api/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      paged.push(...(page.body.items as { username: string }[]).map((u) => u.username));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(paged).toEqual(usernames);

    const ofWater = await admin.get('/api/users?unitId=water&role=unit');
    expect((ofWater.body.items as { unitId: string; roles: string[] }[]).every((u) => u.unitId === 'water' && u.roles.includes('unit'))).toBe(true);
    expect((ofWater.body.items as { username: string }[]).map((u) => u.username)).toContain('water');
    expect((await admin.get('/api/users?role=auditor')).body.items.map((u: { username: string }) => u.username)).toEqual(['auditor']);

    const badCursor = await admin.get('/api/users?cursor=JHdoZXJl');
    expect(badCursor.status).toBe(400);
    expect(fieldsOf(badCursor)).toEqual(['cursor']);
    const badRole = await admin.get('/api/users?role=king');
    expect(badRole.status).toBe(400);
    expect(fieldsOf(badRole)).toEqual(['role']);
  });

  it('searches users by part of their name or username on the server, paged like the full list', async () => {
    const usernamesOf = (response: ApiResponse) => (response.body.items as { username: string }[]).map((u) => u.username);
    const byName = await admin.get(`/api/users?q=${encodeURIComponent('水利局')}`);
    expect(byName.status).toBe(200);
    // Earlier tests add more of the water bureau's staff: every match names it, and none of the others is listed.
    expect(usernamesOf(byName)).toEqual(expect.arrayContaining(['keeper', 'leaver', 'water']));
    expect((byName.body.items as { name: string }[]).every((u) => u.name.includes('水利局'))).toBe(true);
    expect(usernamesOf(byName)).not.toContain('office');
    expect(usernamesOf(await admin.get('/api/users?q=AUDIT'))).toEqual(['auditor']);
    expect(usernamesOf(await admin.get(`/api/users?q=${encodeURIComponent('水利局')}&limit=2`))).toEqual(usernamesOf(byName).slice(0, 2));
    // Regular-expression characters are matched literally, not as a pattern.
    expect(usernamesOf(await admin.get(`/api/users?q=${encodeURIComponent('.*')}`))).toEqual([]);
    const tooLong = await admin.get(`/api/users?q=${'x'.repeat(51)}`);
    expect(tooLong.status).toBe(400);
    expect(fieldsOf(tooLong)).toEqual(['q']);
  });

  it('resets a password: the old one stops working, the new one logs in and must be changed, sessions end', async () => {
    const { id, password } = await createUser('water-3');
    await login('water-3', password); // counted as used: mustChangePassword stays until the user changes it
    const before = Date.now();

    const reset = await admin.post(`/api/users/${id}/reset-password`);
    expect(reset.status).toBe(200);
    expect(reset.body.user).toMatchObject({ id, mustChangePassword: true });
    expect(reset.body.password).not.toBe(password);

    expect((await login('water-3', password)).status).toBe(401);
    const fresh = await login('water-3', reset.body.password);
    expect(fresh.status).toBe(200);
    expect(fresh.body.user.mustChangePassword).toBe(true);
    expect((await revokedAt('water-3'))?.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('disables a user: login is refused and sessions end; enabling lets them in again; the sysadmin cannot disable themself', async () => {
    const { id, password } = await createUser('water-4');
    expect(await revokedAt('water-4')).toBeNull();

    const disabled = await admin.post(`/api/users/${id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    expect((await login('water-4', password)).status).toBe(401);
    expect(await revokedAt('water-4')).toBeInstanceOf(Date);
    expect((await admin.get(`/api/users?unitId=water`)).body.items.find((u: { id: string }) => u.id === id).disabled).toBe(true);

    const enabled = await admin.post(`/api/users/${id}/enable`);
    expect(enabled.body.disabled).toBe(false);
    expect((await login('water-4', password)).status).toBe(200);

    const self = await admin.post(`/api/users/${adminId}/disable`);
    expect(self.status).toBe(409);
    expect(self.body.error).toMatchObject({ code: 'invalid_state', message: '不能停用自己的账号' });
    expect((await login('admin', PASSWORD)).status).toBe(200);
  });

  it("refuses the sysadmin's reset of their own password and points to the change-password route, which asks for the current one", async () => {
    const own = await admin.post(`/api/users/${adminId}/reset-password`);
    expect(own.status).toBe(409);
    expect(own.body.error.code).toBe('invalid_state');
    expect(own.body.error.message).toContain('/api/auth/password');
    expect(Object.keys(own.body)).toEqual(['error']);
    expect((await login('admin', PASSWORD)).status).toBe(200);
    expect((await admin.get('/api/users')).status).toBe(200); // the sysadmin's sessions stay open
  });

  it('sends Cache-Control: no-store and Pragma: no-cache with answers that show a generated password', async () => {
    const token = (await login('admin', PASSWORD)).body.accessToken as string;
    const post = (path: string, body?: unknown) =>
      fetch(`${stack.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const created = await post('/api/users', { username: 'water-cache', name: '缓存测试', unitId: 'water', roles: ['unit'] });
    const { user } = (await created.clone().json()) as { user: { id: string } };
    const answers = {
      create: created,
      reset: await post(`/api/users/${user.id}/reset-password`),
      import: await post('/api/org/import', { units: [{ id: 'town-cache', name: '缓存镇', kind: 'township' }], users: [{ username: 'town-cache', name: '缓存镇干事', unit: 'town-cache', roles: ['unit'] }] }),
    };
    for (const [what, answer] of Object.entries(answers))
      expect({ what, status: answer.status, cacheControl: answer.headers.get('cache-control'), pragma: answer.headers.get('pragma') }).toEqual({
        what,
        status: what === 'reset' ? 200 : 201,
        cacheControl: 'no-store',
        pragma: 'no-cache',
      });
  });

  it('ends the sessions already open when the password is reset or the user is disabled', async () => {
    const [keeper, leaver] = await Promise.all([stack.api.login('keeper', PASSWORD), stack.api.login('leaver', PASSWORD)]);
    expect((await keeper.get('/api/inbox')).status).toBe(200);
    expect((await leaver.get('/api/inbox')).status).toBe(200);
    const idOf = async (username: string) => (await admin.get(`/api/users?unitId=water`)).body.items.find((u: { username: string }) => u.username === username).id;

    expect((await admin.post(`/api/users/${await idOf('keeper')}/reset-password`)).status).toBe(200);
    expect((await admin.post(`/api/users/${await idOf('leaver')}/disable`)).status).toBe(200);
    expect((await keeper.get('/api/inbox')).status).toBe(401);
    expect((await leaver.get('/api/inbox')).status).toBe(401);
    expect((await water.get('/api/inbox')).status).toBe(200); // others in the unit keep theirs
  });

  it('changes name, unit and roles; a changed unit or role ends the sessions that still claim the old ones', async () => {
    const { id } = await createUser('town-a-1', ['unit'], 'town-a');
    const renamed = await admin.request('PATCH', `/api/users/${id}`, { name: '甲镇周干事' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: '甲镇周干事', unitId: 'town-a', roles: ['unit'] });
    expect(await revokedAt('town-a-1')).toBeNull();

    const moved = await admin.request('PATCH', `/api/users/${id}`, { unitId: 'water', roles: ['unit', 'unit_leader'] });
    expect(moved.body).toMatchObject({ unitId: 'water', roles: ['unit', 'unit_leader'] });
    expect(await revokedAt('town-a-1')).toBeInstanceOf(Date);

    const ownRole = await admin.request('PATCH', `/api/users/${adminId}`, { roles: ['auditor'] });
    expect(ownRole.status).toBe(409);
    expect(ownRole.body.error.code).toBe('invalid_state');
    expect((await admin.request('PATCH', '/api/users/3b241101-e2bb-4255-8caf-4136c566a962', { name: '无此人' })).status).toBe(404);
    expect((await admin.post('/api/users/not-a-uuid/disable')).status).toBe(400);
  });

  it.each([
    ['sysadmin with a business role', { roles: ['sysadmin', 'office'] }, 400, 'roles'],
    ['auditor with a business role', { roles: ['unit', 'auditor'] }, 400, 'roles'],
    ['sysadmin and auditor', { roles: ['sysadmin', 'auditor'] }, 400, 'roles'],
    ['an unknown unit', { unitId: 'no-such-unit' }, 400, 'unitId'],
    ['an unknown role', { roles: ['king'] }, 400, 'roles'],
    ['no role', { roles: [] }, 400, 'roles'],
    ['a taken username', { username: 'water' }, 409, 'username'],
    ['a bad username', { username: '张三' }, 400, 'username'],
    ['an operator as unit', { unitId: { $ne: null } }, 400, 'unitId'],
    ['an unknown field', { passwordHash: 'x' }, 400, 'passwordHash'],
  ])('refuses to create a user with %s, naming the field', async (_case, change, status, field) => {
    const before = await stack.database.collection('users').countDocuments();
    const response = await admin.post('/api/users', { username: 'candidate', name: '候选人', unitId: 'water', roles: ['unit'], ...change });
    expect(response.status).toBe(status);
    expect(fieldsOf(response)).toContain(field);
    expect(response.body.error.message).toContain(field);
    expect(await stack.database.collection('users').countDocuments()).toBe(before);
  });

  it('applies the same role and unit rules when changing a user', async () => {
    const { id } = await createUser('water-5');
    const combined = await admin.request('PATCH', `/api/users/${id}`, { roles: ['auditor', 'office'] });
    expect(combined.status).toBe(400);
    expect(fieldsOf(combined)).toEqual(['roles']);
    expect(combined.body.error.message).toContain('三员分立');
    const unknownUnit = await admin.request('PATCH', `/api/users/${id}`, { unitId: 'atlantis' });
    expect(unknownUnit.status).toBe(400);
    expect(fieldsOf(unknownUnit)).toEqual(['unitId']);
    expect((await admin.request('PATCH', `/api/users/${id}`, { roles: ['auditor'] })).body.roles).toEqual(['auditor']);
  });
});

describe('三员分立: who may administer users, and what the sysadmin may not see', () => {
  const someId = '3b241101-e2bb-4255-8caf-4136c566a962';
  const routes: [string, string, unknown?][] = [
    ['GET', '/api/users'],
    ['GET', `/api/users/${someId}`],
    ['POST', '/api/users', { username: 'x', name: 'x', unitId: 'water', roles: ['unit'] }],
    ['PATCH', `/api/users/${someId}`, { name: 'x' }],
    ['POST', `/api/users/${someId}/disable`],
    ['POST', `/api/users/${someId}/enable`],
    ['POST', `/api/users/${someId}/reset-password`],
    ['POST', '/api/org/import', { units: [{ id: 'x', name: 'x', kind: 'county' }] }],
    ['POST', '/api/org/units', { id: 'x', name: 'x', kind: 'county' }],
    ['PATCH', '/api/org/units/water', { name: 'x' }],
  ];

  it('refuses every users and org-admin route to office, unit and auditor users (403) and to anonymous callers (401)', async () => {
    for (const [method, path, body] of routes) {
      for (const [who, client] of [['office', office], ['water', water], ['auditor', auditor]] as const) {
        const response = await client.request(method, path, body);
        expect({ who, method, path, status: response.status }).toEqual({ who, method, path, status: 403 });
      }
      expect((await stack.api.request(method, path, body)).status).toBe(401);
    }
    expect((await stack.database.collection('units').findOne({ _id: 'x' as never }))).toBeNull();
  });

  it('shows the sysadmin no business data: the inbox and an existing item are refused without data, registering is 403', async () => {
    const item = {
      title: '部分脱贫户饮水安全保障不到位',
      description: '省考核发现：两户脱贫户季节性缺水。',
      source: 'provincial_assessment',
      category: 'drinking_water',
      leadUnitId: 'water',
      dueDate: shanghaiDate(new Date(Date.now() + 30 * 86_400_000)),
    };
    const created = await office.post('/api/rectifications', item);
    expect(created.status).toBe(201);

    // Refused without data. 404 when the routes were open to every role and filtered by visibility; the business
    // routes now name their roles (@Roles on the inbox and rectification controllers), which answers 403.
    for (const refused of [await admin.get('/api/inbox'), await admin.get(`/api/rectifications/${created.body.id}`), await auditor.get(`/api/rectifications/${created.body.id}`)]) {
      expect([403, 404]).toContain(refused.status);
      expect(Object.keys(refused.body)).toEqual(['error']);
      expect(JSON.stringify(refused.body)).not.toContain(item.title);
    }
    expect((await admin.post('/api/rectifications', item)).status).toBe(403);
    expect((await water.get(`/api/rectifications/${created.body.id}`)).status).toBe(200);
  });
});

describe('org administration', () => {
  it('imports an org file given as JSON: creates units and users and returns the generated passwords once', async () => {
    const imported = await admin.post('/api/org/import', {
      units: [
        { id: 'town-b', name: '乙镇', kind: 'township', parent: null },
        { id: 'village-b1', name: '乙镇一村', kind: 'village', parent: 'town-b' },
      ],
      users: [
        { username: 'town-b', name: '乙镇吴干事', unit: 'town-b', roles: ['unit'] },
        { username: 'village-b1', name: '乙镇一村郑书记', unit: 'village-b1', roles: ['unit'], password: 'Village-one-passw0rd' },
      ],
    });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ units: 2, users: 2, generatedPasswords: [{ username: 'town-b', password: expect.any(String) }] });

    const units = (await office.get('/api/org/units')).body.items as { id: string; path: string[] }[];
    expect(units.find((u) => u.id === 'village-b1')?.path).toEqual(['town-b', 'village-b1']);
    const generated = await login('town-b', imported.body.generatedPasswords[0].password);
    expect(generated.body.user).toMatchObject({ unitId: 'town-b', mustChangePassword: true });
    expect((await login('village-b1', 'Village-one-passw0rd')).body.user.mustChangePassword).toBe(false);
  });

  it.each([
    ['a user in an unknown unit', { units: [{ id: 'c', name: '丙镇', kind: 'township' }], users: [{ username: 'c', name: 'C', unit: 'd', roles: ['unit'] }] }, 'users[0].unit'],
    ['a unit of an unknown kind', { units: [{ id: 'c', name: '丙镇', kind: 'planet' }] }, 'units[0].kind'],
    ['no units', { units: [] }, 'units'],
    ['not an org file', [1, 2, 3], 'units'],
    ['a parent cycle', { units: [{ id: 'c1', name: 'C1', kind: 'township', parent: 'c2' }, { id: 'c2', name: 'C2', kind: 'township', parent: 'c1' }] }, 'units'],
    ['an auditor with a business role', { units: [{ id: 'c', name: '丙镇', kind: 'township' }], users: [{ username: 'c', name: 'C', unit: 'c', roles: ['auditor', 'unit'] }] }, 'users[0].roles'],
    ['an operator as unit id', { units: [{ id: { $gt: '' }, name: 'C', kind: 'township' }] }, 'units[0].id'],
    ['an unknown field in a user', { units: [{ id: 'c', name: '丙镇', kind: 'township' }], users: [{ username: 'c', name: 'C', unit: 'c', roles: ['unit'], passwordHash: 'x' }] }, 'users[0].passwordHash'],
    ['an unknown field in a unit', { units: [{ id: 'c', name: '丙镇', kind: 'township', path: ['x'] }] }, 'units[0].path'],
    ['an unknown top-level field', { units: [{ id: 'c', name: '丙镇', kind: 'township' }], $where: 'sleep(1000)' }, '$where'],
    ['a password the password policy refuses', { units: [{ id: 'c', name: '丙镇', kind: 'township' }], users: [{ username: 'c', name: 'C', unit: 'c', roles: ['unit'], password: 'aaaaaaaa' }] }, 'users[0].password'],
    ['a password containing the username', { units: [{ id: 'c', name: '丙镇', kind: 'township' }], users: [{ username: 'c', name: 'C', unit: 'c', roles: ['unit'] }, { username: 'zhang-c', name: 'Z', unit: 'c', roles: ['unit'], password: 'Zhang-C-2026' }] }, 'users[1].password'],
  ])('refuses an org file with %s, naming the entry, and stores nothing', async (_case, file, entry) => {
    const before = await stack.database.collection('units').countDocuments();
    const response = await admin.post('/api/org/import', file);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_input');
    expect(response.body.error.message).toContain(entry);
    expect(fieldsOf(response)).toEqual([entry]);
    expect(await stack.database.collection('units').countDocuments()).toBe(before);
  });

  it('keeps disabled users disabled on re-import and ends the sessions of users whose password, roles or unit it changes', async () => {
    const unit = (id: string) => ({ id, name: `${id} 单位`, kind: 'township' });
    const person = (username: string, changes: Record<string, unknown> = {}) => ({ username, name: `${username} 干事`, unit: 'town-i', roles: ['unit'], password: 'Import-passw0rd', ...changes });
    const names = ['imp-pass', 'imp-role', 'imp-unit', 'imp-same', 'imp-off'];
    const units = [unit('town-i'), unit('town-j')];
    expect((await admin.post('/api/org/import', { units, users: names.map((n) => person(n)) })).status).toBe(201);
    const sessions = Object.fromEntries(await Promise.all(names.map(async (n) => [n, (await login(n, 'Import-passw0rd')).body] as const)));
    const offId = sessions['imp-off']!.user.id as string;
    expect((await admin.post(`/api/users/${offId}/disable`)).status).toBe(200);

    const reimported = await admin.post('/api/org/import', {
      units,
      users: [
        person('imp-pass', { password: 'Import-passw0rd-2' }),
        person('imp-role', { roles: ['unit', 'unit_leader'] }),
        person('imp-unit', { unit: 'town-j' }),
        person('imp-same'),
        person('imp-off'),
      ],
    });
    expect(reimported.status).toBe(201);

    expect((await admin.get(`/api/users/${offId}`)).body.disabled).toBe(true);
    expect((await login('imp-off', 'Import-passw0rd')).status).toBe(401);
    const still = async (username: string) => {
      const { accessToken, refreshToken } = sessions[username]!;
      return {
        username,
        access: (await stack.api.as(accessToken).get('/api/inbox')).status,
        refresh: (await stack.api.post('/api/auth/refresh', { refreshToken })).status,
      };
    };
    expect(await still('imp-pass')).toEqual({ username: 'imp-pass', access: 401, refresh: 401 });
    expect(await still('imp-role')).toEqual({ username: 'imp-role', access: 401, refresh: 401 });
    expect(await still('imp-unit')).toEqual({ username: 'imp-unit', access: 401, refresh: 401 });
    expect(await still('imp-same')).toEqual({ username: 'imp-same', access: 200, refresh: 200 });
    expect((await login('imp-pass', 'Import-passw0rd-2')).status).toBe(200);
    expect((await login('imp-role', 'Import-passw0rd')).body.user.roles).toEqual(['unit', 'unit_leader']);
  });

  it('creates units below an existing parent and renames them', async () => {
    const created = await admin.post('/api/org/units', { id: 'village-a1', name: '甲镇一村', kind: 'village', parentId: 'town-a' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 'village-a1', name: '甲镇一村', kind: 'village', kindLabel: expect.any(String), parentId: 'town-a', path: ['county', 'town-a', 'village-a1'] });

    const renamed = await admin.request('PATCH', '/api/org/units/village-a1', { name: '甲镇新一村' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: 'village-a1', name: '甲镇新一村', path: ['county', 'town-a', 'village-a1'] });
    expect((await office.get('/api/org/units')).body.items.find((u: { id: string }) => u.id === 'village-a1').name).toBe('甲镇新一村');

    const duplicate = await admin.post('/api/org/units', { id: 'village-a1', name: '重复', kind: 'village', parentId: 'town-a' });
    expect(duplicate.status).toBe(409);
    expect(fieldsOf(duplicate)).toEqual(['id']);
    const orphan = await admin.post('/api/org/units', { id: 'village-z1', name: '无上级', kind: 'village', parentId: 'town-z' });
    expect(orphan.status).toBe(400);
    expect(fieldsOf(orphan)).toEqual(['parentId']);
    const badKind = await admin.post('/api/org/units', { id: 'village-z2', name: '类别不明', kind: 'planet', parentId: 'town-a' });
    expect(fieldsOf(badKind)).toEqual(['kind']);
    const moving = await admin.request('PATCH', '/api/org/units/village-a1', { name: '甲镇一村', parentId: 'county' });
    expect(moving.status).toBe(400);
    expect(fieldsOf(moving)).toEqual(['parentId']);
    expect((await admin.request('PATCH', '/api/org/units/nowhere', { name: '无' })).status).toBe(404);
  });
});

describe('HTTP security headers and CORS', () => {
  const expectApiHeaders = (headers: Headers) => {
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('strict-transport-security')).toMatch(/^max-age=\d+/); // ignored by browsers over plain HTTP; effective behind the TLS proxy
    expect(headers.get('referrer-policy')).toBe('no-referrer');
    expect(headers.get('x-powered-by')).toBeNull();
    const csp = headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
  };

  it('sends them on API answers: public, authenticated, refused, and malformed requests', async () => {
    const token = (await login('office', PASSWORD)).body.accessToken as string;
    const answers = [
      await fetch(`${stack.baseUrl}/api/health`),
      await fetch(`${stack.baseUrl}/api/org/units`, { headers: { authorization: `Bearer ${token}` } }),
      await fetch(`${stack.baseUrl}/api/users`),
      await fetch(`${stack.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' }),
      await fetch(`${stack.baseUrl}/api/no-such-route`),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 401, 400, 404]);
    for (const answer of answers) expectApiHeaders(answer.headers);
  });

  it('keeps the Swagger UI working under its own policy: the page and every asset it references load', async () => {
    const page = await fetch(`${stack.baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');

    const html = await page.text();
    // Every script is an external file from our origin, so script-src 'self' (without 'unsafe-inline') runs them all.
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src="[^"]+"/);
      expect(body?.trim()).toBe('');
    }
    const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css|png))"/g)].map((m) => m[1]!);
    expect(assets).toEqual(expect.arrayContaining([expect.stringContaining('swagger-ui-bundle.js'), expect.stringContaining('swagger-ui-init.js'), expect.stringContaining('swagger-ui.css')]));
    for (const asset of assets) {
      const url = new URL(asset, page.url);
      expect(url.origin).toBe(stack.baseUrl);
      const response = await fetch(url);
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
      const text = await response.text();
      if (asset.includes('swagger-ui-init.js')) {
        expect(text).toContain('SwaggerUIBundle');
        expect(text).toContain('/api/users'); // the embedded document includes the new routes
      }
    }
  });

  it('answers no Access-Control-Allow-Origin to a foreign origin, with or without WEB_ORIGIN', async () => {
    const preflight = (baseUrl: string, origin: string) =>
      fetch(`${baseUrl}/api/users`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const foreign = 'https://evil.example.com';
    expect((await preflight(stack.baseUrl, foreign)).headers.get('access-control-allow-origin')).toBeNull();

    const webOrigin = 'https://duban.example.gov.cn';
    const app = await startApi(webOrigin);
    try {
      const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      const refused = await preflight(baseUrl, foreign);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      const simple = await fetch(`${baseUrl}/api/health`, { headers: { origin: foreign } });
      expect(simple.headers.get('access-control-allow-origin')).toBeNull();

      const allowed = await preflight(baseUrl, webOrigin);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(webOrigin);
      expect(allowed.headers.get('vary')).toContain('Origin');
      expect((await fetch(`${baseUrl}/api/health`, { headers: { origin: webOrigin } })).headers.get('access-control-allow-origin')).toBe(webOrigin);
    } finally {
      await app.close();
    }
  });
});

/** A second API on the stack's database and Temporal client, with WEB_ORIGIN set (the shared stack has none). */
async function startApi(webOrigin: string): Promise<Awaited<ReturnType<typeof createApiApp>>> {
  const app = await createApiApp({
    database: stack.database,
    temporal: stack.temporal,
    jwtSecret: await resolveJwtSecret(stack.database, undefined),
    settings: { temporalNamespace: 'default', taskQueue: stack.taskQueue, webOrigin },
    clock: systemClock,
  });
  await app.listen(0, '127.0.0.1');
  return app;
}
