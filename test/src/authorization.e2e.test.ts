/**
 * The authorization matrix: every operation of /api/openapi.json × every role × the caller's relation to the object
 * (own item, an item of a sub-unit, another unit's item …). The rules are DATA — the TABLE below, one entry per
 * operation — and the test fails when the OpenAPI document has an operation the table does not classify.
 *
 * Status conventions (what "allowed" and "denied" mean here):
 * - allowed: 200/201/204; 409 (the caller got past the role gate and the visibility check, the item's state says
 *   no); 400 only from a business rule (`details.action`), never from input validation. Some operations name
 *   their own extra "allowed" answers (e.g. a wrong current password on purpose, so no session is revoked).
 * - 401 `unauthenticated`: no token, on every operation that is not public.
 * - 403 `forbidden`/`not_permitted`: the role can never call the route (the route's @Roles gate), or the caller
 *   sees the object but the rule does not let them take the step.
 * - 404 `not_found`: the object is not visible to the caller — the same answer as for an id that does not exist,
 *   so ids cannot be probed.
 *
 * The domain refuses a wrong status before a wrong actor (libs/domain lifecycle: "so the message says what is wrong
 * with the item"), so a 409 alone proves only the role gate and visibility. Every step therefore runs on fresh items
 * put in a state where the step is possible (`on`), and each operation's denied calls go before its allowed ones.
 * The fresh items are copies of real items walked through the lifecycle over the API (see `walk` and `cloneOf`).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgFile } from '@duban/api';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { RECTIFICATION_WORKFLOW, registeredUpdate, stateQuery, workflowIds, type RectificationWorkflowInput } from '@duban/contracts';
import { endOfShanghaiDay, shanghaiDate, type RectificationState, type Role } from '@duban/domain';
import { startStack, type Stack } from './support/stack.js';

// ─── The county ──────────────────────────────────────────────────────────────────────────────────────────────

const PASSWORD = 'Authz-matrix-2026';

interface UserSpec {
  readonly unit: string;
  readonly roles: readonly Role[];
  readonly name: string;
}

/** Every role, and for `unit` each position in the tree. Order = privilege, used to pick who sends the probes. */
const USERS = {
  office: { unit: 'office', roles: ['office'], name: '办公室王主任' },
  leader: { unit: 'county', roles: ['leader'], name: '李组长' },
  townLeader: { unit: 'town', roles: ['unit_leader'], name: '甲镇吴镇长' },
  town: { unit: 'town', roles: ['unit'], name: '甲镇陈干事' },
  village1: { unit: 'village-1', roles: ['unit'], name: '一村赵书记' },
  village2: { unit: 'village-2', roles: ['unit'], name: '二村孙书记' },
  water: { unit: 'water', roles: ['unit'], name: '水利局张科长' },
  finance: { unit: 'finance', roles: ['unit'], name: '财政局钱科长' },
  inspector: { unit: 'office', roles: ['inspector'], name: '督导组周组长' },
  sysadmin: { unit: 'system', roles: ['sysadmin'], name: '系统管理员' },
  auditor: { unit: 'system', roles: ['auditor'], name: '审计管理员' },
} as const satisfies Record<string, UserSpec>;
type UserKey = keyof typeof USERS;
const USER_KEYS = Object.keys(USERS) as UserKey[];

/** Accounts the sysadmin's routes act on (disable, reset …), so no user of the matrix loses its session. */
const SPARE_USERS = ['spare-get', 'spare-patch', 'spare-disable', 'spare-enable', 'spare-reset'] as const;
type SpareUser = (typeof SPARE_USERS)[number];

const org: OrgFile = {
  units: [
    { id: 'county', name: '矩阵县', kind: 'county' },
    { id: 'office', name: '县巩固拓展脱贫攻坚成果工作领导小组办公室', kind: 'office', parent: 'county' },
    { id: 'water', name: '县水利局', kind: 'department', parent: 'county' },
    { id: 'finance', name: '县财政局', kind: 'department', parent: 'county' },
    { id: 'town', name: '甲镇', kind: 'township', parent: 'county' },
    { id: 'village-1', name: '甲镇一村', kind: 'village', parent: 'town' },
    { id: 'village-2', name: '甲镇二村', kind: 'village', parent: 'town' },
    { id: 'spare-unit', name: '备用单位', kind: 'department', parent: 'county' },
    { id: 'system', name: '系统管理', kind: 'county' },
  ],
  users: [
    ...USER_KEYS.map((key) => ({ username: key, name: USERS[key].name, unit: USERS[key].unit, roles: [...USERS[key].roles], password: PASSWORD })),
    ...SPARE_USERS.map((username) => ({ username, name: `备用账号 ${username}`, unit: 'water', roles: ['unit' as Role], password: PASSWORD })),
  ],
};
const PARENT = new Map(org.units.map((u) => [u.id, u.parent ?? null]));
const ancestorsOf = (unit: string): string[] => {
  const parent = PARENT.get(unit);
  return parent ? [parent, ...ancestorsOf(parent)] : [];
};

/**
 * The three kinds of item, each seeded by the office through the API. T: the township leads, the water bureau
 * helps, the finance bureau verifies. V1: village 1 leads, its township verifies (two-level acceptance). D: the
 * water bureau leads, the finance bureau verifies.
 */
const ITEMS = {
  T: { title: '甲镇部分脱贫户饮水安全保障不到位', leadUnitId: 'town', coUnitIds: ['water'], verifierUnitId: 'finance' },
  V1: { title: '一村扶贫资产管护台账不全', leadUnitId: 'village-1', coUnitIds: [], verifierUnitId: 'town' },
  D: { title: '县水利局衔接资金拨付滞后', leadUnitId: 'water', coUnitIds: [], verifierUnitId: 'finance' },
} as const satisfies Record<string, { title: string; leadUnitId: string; coUnitIds: readonly string[]; verifierUnitId: string }>;
type ItemKey = keyof typeof ITEMS;
const ITEM_KEYS = Object.keys(ITEMS) as ItemKey[];
/** The `unit` user of a unit: who takes the unit's steps when the fixtures walk an item. */
const handlerOf = (unit: string): UserKey => USER_KEYS.find((user) => USERS[user].unit === unit && (USERS[user].roles as readonly Role[]).includes('unit'))!;
const LEAD_USER: Record<ItemKey, UserKey> = { T: handlerOf('town'), V1: handlerOf('village-1'), D: handlerOf('water') };
const VERIFIER_USER: Record<ItemKey, UserKey> = { T: handlerOf('finance'), V1: handlerOf('town'), D: handlerOf('finance') };

/** How the caller's unit stands to the object: leads it, helps, verifies it, or lies above one of those units. */
type Relation = 'own' | 'co' | 'verifier' | 'sub';
type Target = { kind: 'item'; item: ItemKey } | { kind: 'notification'; owner: UserKey };

function relations(user: UserKey, target: Target): Set<Relation> {
  const found = new Set<Relation>();
  if (target.kind === 'notification') {
    if (target.owner === user) found.add('own');
    return found;
  }
  const unit = USERS[user].unit;
  const item: { leadUnitId: string; coUnitIds: readonly string[]; verifierUnitId: string } = ITEMS[target.item];
  if (item.leadUnitId === unit) found.add('own');
  if (item.coUnitIds.includes(unit)) found.add('co');
  if (item.verifierUnitId === unit) found.add('verifier');
  if ([item.leadUnitId, ...item.coUnitIds, item.verifierUnitId].some((involved) => ancestorsOf(involved).includes(unit))) found.add('sub');
  return found;
}

// ─── The table ───────────────────────────────────────────────────────────────────────────────────────────────

/** Per role: every object (`any`), or only objects the caller stands in one of these relations to. */
type Grants = Partial<Record<Role, 'any' | readonly Relation[]>>;

/** States a fresh triple of items (T, V1, D) is put in before an operation's rows run; `base` is shared and read-only. */
type Stage =
  | 'base'
  | 'assigned'
  | 'signed'
  | 'planSubmitted'
  | 'rectifying'
  | 'pendingVerification'
  | 'pendingAcceptance'
  | 'closed'
  | 'extensionRequested'
  | 'deferred'
  | 'escalated1'
  | 'escalated2';

interface Ctx {
  readonly user: UserKey;
  readonly target: Target | undefined;
  /** The id of the target item or notification. */
  readonly id: string;
  readonly fx: Fixtures;
}

interface Rule {
  /** The route's role gate: everyone else gets 403 before anything is looked up (404 when `hidden`). */
  readonly gate: 'public' | 'authenticated' | readonly Role[];
  /** A confidential context (@HiddenFromOtherRoles): callers outside the gate get the 404 of something that does not exist. */
  readonly hidden?: true;
  /** Who gets through (past the gate and, for objects, the visibility check). */
  readonly allow?: Grants;
  /** Item operations: the state of the items the rows run on. */
  readonly on?: Stage;
  /** Operations on another kind of object. */
  readonly object?: 'notification';
  /** Who sees the object (else 404); defaults: items → SEES_ITEMS, notifications → their owner. */
  readonly sees?: Grants;
  readonly params?: (c: Ctx) => Record<string, string>;
  /** Required query parameters (present, maybe empty, exactly when the operation declares query parameters). */
  readonly query?: Record<string, string>;
  /** A minimal valid JSON body (present exactly when the operation declares a JSON body). */
  readonly body?: (c: Ctx) => Record<string, unknown>;
  readonly form?: () => FormData;
  /** Further answers that count as "allowed". */
  readonly accepts?: (reply: Reply) => boolean;
  /** Runs after every other row (ends the caller's session). */
  readonly last?: boolean;
}

const BUSINESS: readonly Role[] = ['office', 'leader', 'unit', 'unit_leader'];
const ALL_BUT_AUDITOR: readonly Role[] = ['office', 'leader', 'unit', 'unit_leader', 'inspector', 'sysadmin'];
const EVERYONE: Grants = { office: 'any', leader: 'any', unit: 'any', unit_leader: 'any', inspector: 'any', auditor: 'any', sysadmin: 'any' };
const OWN_ONLY: Grants = { office: ['own'], leader: ['own'], unit: ['own'], unit_leader: ['own'], inspector: ['own'], auditor: ['own'], sysadmin: ['own'] };
const forUnits = (...scope: Relation[]): Grants => ({ unit: scope, unit_leader: scope });
/** Office and leader see every item; a unit the items it leads, helps with or verifies, and those of the units below it. */
const SEES_ITEMS: Grants = { office: 'any', leader: 'any', ...forUnits('own', 'co', 'verifier', 'sub') };
const OFFICE: Grants = { office: 'any' };
const LEAD = forUnits('own');
const SYSADMIN: Rule = { gate: ['sysadmin'], allow: { sysadmin: 'any' } };
/** Past the role gate of an assignment route (on an id that does not exist, so everyone past it gets the 404). */
const ASSIGNMENT_GATE: Grants = { office: 'any', leader: 'any', unit: 'any', unit_leader: 'any' };
const assignmentId = () => ({ id: 'TL-2031-02.i1.town' });
const campaignId = () => ({ id: 'CP-00000000' });
const AUDITOR: Rule = { gate: ['auditor'], allow: { auditor: 'any' } };
const templateBody = () => ({ title: '村级每月研判', targetUnitKind: 'village', cadence: 'monthly', dueKind: 'monthEnd' });

const inDays = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const note = () => ({ note: '同意' });
const businessRefusal = (field: string) => (reply: Reply) =>
  reply.status === 400 && (reply.body?.error?.details?.fields ?? []).some((f: { field: string }) => f.field === field);

const notFound = (reply: Reply) => reply.status === 404 && reply.body?.error?.code === 'not_found';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082',
  'hex',
);
const pngForm = () => {
  const form = new FormData();
  form.append('file', new Blob([PNG], { type: 'image/png' }), '现场照片.png');
  return form;
};

/** One entry per operation of the OpenAPI document; an array when the rule depends on the item's state. */
const TABLE: Record<string, Rule | readonly Rule[]> = {
  // health, sign-in, own account
  'GET /api/health': { gate: 'public' },
  'GET /api/health/live': { gate: 'public' },
  'GET /api/health/ready': { gate: 'public' },
  'POST /api/auth/login': { gate: 'public', body: (c) => ({ username: c.user, password: PASSWORD }) },
  'POST /api/auth/refresh': { gate: 'public', body: (c) => ({ refreshToken: c.fx.sessions[c.user].refreshToken }) },
  'POST /api/auth/logout': { gate: 'authenticated', allow: EVERYONE, last: true },
  'GET /api/auth/me': { gate: 'authenticated', allow: EVERYONE },
  'POST /api/auth/password': {
    gate: 'authenticated',
    allow: EVERYONE,
    // A wrong current password on purpose: a real change would end every session of the user.
    body: () => ({ currentPassword: 'Not-the-passw0rd', newPassword: 'Brand-new-passw0rd' }),
    accepts: businessRefusal('currentPassword'),
  },
  // No second factor enabled yet, so no proof is asked for (re-binding needs currentPassword or code).
  'POST /api/auth/totp/setup': { gate: 'authenticated', allow: EVERYONE, body: () => ({}) },
  'POST /api/auth/totp/enable': { gate: 'authenticated', allow: EVERYONE, body: () => ({ code: '000000' }), accepts: businessRefusal('code') },
  'GET /api/auth/policy': SYSADMIN,
  'PUT /api/auth/policy': { ...SYSADMIN, body: () => ({ totpRequiredRoles: [] }) },

  // users and units: the sysadmin's (三员分立); the unit tree is reference data for everyone but the auditor
  'GET /api/users': { ...SYSADMIN, query: {} },
  'POST /api/users': { ...SYSADMIN, body: () => ({ username: unique('new'), name: '新用户', unitId: 'water', roles: ['unit'] }) },
  'GET /api/users/{id}': { ...SYSADMIN, params: (c) => ({ id: c.fx.spare['spare-get'] }) },
  'PATCH /api/users/{id}': { ...SYSADMIN, params: (c) => ({ id: c.fx.spare['spare-patch'] }), body: () => ({ name: '改名后的备用账号' }) },
  'POST /api/users/{id}/disable': { ...SYSADMIN, params: (c) => ({ id: c.fx.spare['spare-disable'] }) },
  'POST /api/users/{id}/enable': { ...SYSADMIN, params: (c) => ({ id: c.fx.spare['spare-enable'] }) },
  'POST /api/users/{id}/reset-password': { ...SYSADMIN, params: (c) => ({ id: c.fx.spare['spare-reset'] }) },
  'GET /api/org/units': { gate: ALL_BUT_AUDITOR, allow: { office: 'any', leader: 'any', unit: 'any', unit_leader: 'any', inspector: 'any', sysadmin: 'any' } },
  'POST /api/org/units': { ...SYSADMIN, body: () => ({ id: unique('new-unit'), name: '新建单位', kind: 'department', parentId: 'county' }) },
  // a unit's own staff (分解到人): each caller asks for their own unit; another unit's staff are a 404 (web-split-campaign.e2e.test.ts)
  'GET /api/org/units/{unitId}/people': { gate: BUSINESS, allow: { office: 'any', leader: 'any', unit: 'any', unit_leader: 'any' }, params: (c) => ({ unitId: USERS[c.user].unit }) },
  'PATCH /api/org/units/{id}': { ...SYSADMIN, params: () => ({ id: 'spare-unit' }), body: () => ({ name: '更名后的备用单位' }) },
  // Re-imports a unit as it is: the import is allowed, and changes nothing the probes' snapshot would see.
  'POST /api/org/import': { ...SYSADMIN, body: () => ({ units: [{ id: 'county', name: '矩阵县', kind: 'county' }] }) },

  // the audit trail: the auditor's alone
  'GET /api/audit': { ...AUDITOR, query: {} },
  'GET /api/audit/verify': AUDITOR,
  'GET /api/audit/export': { ...AUDITOR, query: {} },

  // reference data and configuration
  'GET /api/calendar/overrides': { gate: ALL_BUT_AUDITOR, allow: { office: 'any', leader: 'any', unit: 'any', unit_leader: 'any', inspector: 'any', sysadmin: 'any' }, query: { year: '2031' } },
  'GET /api/calendar/days': {
    gate: ALL_BUT_AUDITOR,
    allow: { office: 'any', leader: 'any', unit: 'any', unit_leader: 'any', inspector: 'any', sysadmin: 'any' },
    query: { from: '2031-01-01', to: '2031-01-31' },
  },
  'PUT /api/calendar/overrides/{date}': {
    gate: ['office', 'sysadmin'],
    allow: { office: 'any', sysadmin: 'any' },
    params: () => ({ date: '2031-05-06' }),
    body: () => ({ working: false, name: '调休' }),
  },
  'DELETE /api/calendar/overrides/{date}': {
    gate: ['office', 'sysadmin'],
    allow: { office: 'any', sysadmin: 'any' },
    params: (c) => ({ date: c.fx.overrideDates[c.user] }),
  },
  // a unit's push channels: the office's for any unit, a unit leader's for their own; not the sysadmin's (三员分立).
  // Each caller asks for their own unit; the channels are disabled, so no notice is sent to the unreachable URL.
  'GET /api/org/units/{unitId}/webhooks': {
    gate: ['office', 'unit_leader'],
    allow: { office: 'any', unit_leader: 'any' },
    params: (c) => ({ unitId: USERS[c.user].unit }),
  },
  'POST /api/org/units/{unitId}/webhooks': {
    gate: ['office', 'unit_leader'],
    allow: { office: 'any', unit_leader: 'any' },
    params: (c) => ({ unitId: USERS[c.user].unit }),
    body: () => ({ kind: 'json', name: '测试回调', url: 'http://127.0.0.1:9/hook', enabled: false }),
  },
  'DELETE /api/org/units/{unitId}/webhooks/{id}': {
    gate: ['office', 'unit_leader'],
    allow: { office: 'any', unit_leader: 'any' },
    params: (c) => ({ unitId: USERS[c.user].unit, id: c.fx.channels[c.user] }),
  },

  // the caller's own mailbox
  'GET /api/notifications': { gate: 'authenticated', allow: EVERYONE, query: {} },
  'POST /api/notifications/{id}/read': { gate: 'authenticated', object: 'notification', allow: OWN_ONLY },
  'POST /api/notifications/read-all': { gate: 'authenticated', allow: EVERYONE },

  // business data: lists
  'GET /api/inbox': { gate: BUSINESS, allow: { office: 'any', leader: 'any', unit: 'any', unit_leader: 'any' }, query: {} },
  'GET /api/escalations': { gate: ['office', 'leader'], allow: { office: 'any', leader: 'any' }, query: {} },

  // reports: the ledger, dashboards and the evaluation are scoped like the inbox (a unit sees its subtree)
  'GET /api/reports/ledger': { gate: BUSINESS, allow: { office: 'any', leader: 'any', unit: 'any', unit_leader: 'any' }, query: {} },
  'GET /api/reports/dashboard': { gate: BUSINESS, allow: { office: 'any', leader: 'any', unit: 'any', unit_leader: 'any' }, query: {} },
  'GET /api/reports/evaluation': { gate: BUSINESS, allow: { office: 'any', leader: 'any', unit: 'any', unit_leader: 'any' }, query: { period: '2026' } },
  'GET /api/reports/evaluation/export': { gate: BUSINESS, allow: { office: 'any', leader: 'any', unit: 'any', unit_leader: 'any' }, query: { period: '2026' } },
  'GET /api/reports/evaluation/policy': { gate: ['office', 'leader'], allow: { office: 'any', leader: 'any' } },
  'PUT /api/reports/evaluation/policy': {
    gate: ['office'],
    allow: OFFICE,
    body: () => ({
      base: 100,
      onTimeWeight: 30,
      perOverdueDay: 0.2,
      overdueDaysCap: 20,
      perReturn: 1,
      perLookBackFailure: 3,
      perEscalation: 2,
      perNotice: { blue: 0, yellow: 1, red: 2 },
      warnings: [{ colour: 'yellow', count: 2, deduction: 2, measure: '发函提醒' }],
    }),
  },
  // importing problem lists: the office's; a PNG is not a workbook, so the allowed call is refused naming `file`
  'GET /api/imports/mappings/{source}': { gate: ['office'], allow: OFFICE, params: () => ({ source: 'anonymous_visit' }) },
  'PUT /api/imports/mappings/{source}': { gate: ['office'], allow: OFFICE, params: () => ({ source: 'anonymous_visit' }), body: () => ({ title: '问题标题' }) },
  'POST /api/imports/rectifications/preview': { gate: ['office'], allow: OFFICE, form: pngForm, accepts: businessRefusal('file') },
  'POST /api/imports/rectifications': { gate: ['office'], allow: OFFICE, form: pngForm, accepts: businessRefusal('file') },

  // business data: an item and its steps
  'POST /api/rectifications': {
    gate: ['office'],
    allow: OFFICE,
    body: () => ({ ...registration('T'), dueDate: inDays(60) }),
  },
  'GET /api/rectifications/{id}': { gate: BUSINESS, on: 'base', allow: SEES_ITEMS },
  'POST /api/rectifications/{id}/sign': { gate: BUSINESS, on: 'assigned', allow: LEAD },
  'POST /api/rectifications/{id}/plan': { gate: BUSINESS, on: 'signed', allow: LEAD, body: () => planBody() },
  'POST /api/rectifications/{id}/plan/approve': { gate: ['office'], on: 'planSubmitted', allow: OFFICE, body: note },
  'POST /api/rectifications/{id}/plan/return': { gate: ['office'], on: 'planSubmitted', allow: OFFICE, body: () => ({ reason: '整改措施不具体' }) },
  'POST /api/rectifications/{id}/progress': { gate: BUSINESS, on: 'rectifying', allow: LEAD, body: () => ({ summary: '已完成 60%' }) },
  'POST /api/rectifications/{id}/parts': { gate: BUSINESS, on: 'signed', allow: forUnits('co'), body: () => ({ summary: '承担部分已完成' }) },
  'POST /api/rectifications/{id}/completion': { gate: BUSINESS, on: 'rectifying', allow: LEAD, body: () => ({ summary: '已整改到位' }) },
  'POST /api/rectifications/{id}/verify': { gate: BUSINESS, on: 'pendingVerification', allow: forUnits('verifier'), body: note },
  'POST /api/rectifications/{id}/return': [
    { gate: BUSINESS, on: 'pendingVerification', allow: forUnits('verifier'), body: () => ({ reason: '佐证材料不全' }) },
    { gate: BUSINESS, on: 'pendingAcceptance', allow: OFFICE, body: () => ({ reason: '佐证材料不全' }) },
  ],
  'POST /api/rectifications/{id}/sign-off': { gate: ['office'], on: 'pendingAcceptance', allow: OFFICE, body: note },
  'POST /api/rectifications/{id}/extension': {
    gate: BUSINESS,
    on: 'signed',
    allow: LEAD,
    body: () => ({ reason: '汛期无法施工', newDueDate: inDays(90) }),
  },
  'POST /api/rectifications/{id}/extension/decision': { gate: ['office'], on: 'extensionRequested', allow: OFFICE, body: () => ({ approve: true }) },
  'POST /api/rectifications/{id}/deferral': {
    gate: ['office'],
    on: 'rectifying',
    allow: OFFICE,
    body: () => ({ reason: '需待省级项目立项', reviewDate: inDays(30) }),
  },
  'POST /api/rectifications/{id}/resume': { gate: ['office'], on: 'deferred', allow: OFFICE, body: () => ({}) },
  'POST /api/rectifications/{id}/merge': {
    gate: ['office'],
    on: 'rectifying',
    allow: OFFICE,
    body: (c) => ({ intoItemId: c.fx.base[(c.target as { item: ItemKey }).item] }),
  },
  // Look-back (回头看): the office or an inspector reopens a closed item; an inspector sees closed items for that alone.
  'POST /api/rectifications/{id}/reopen': {
    gate: ['office', 'inspector'],
    on: 'closed',
    allow: { office: 'any', inspector: 'any' },
    sees: { ...SEES_ITEMS, inspector: 'any' },
    body: () => ({ reason: '回头看发现问题反弹', newDueDate: inDays(20) }),
  },
  // Level 1 goes to the office, level 2 to the leader (or the office).
  'POST /api/rectifications/{id}/escalation': [
    { gate: ['office', 'leader'], on: 'escalated1', allow: OFFICE, body: () => ({ action: 'urge', note: '请三日内整改到位' }) },
    { gate: ['office', 'leader'], on: 'escalated2', allow: { office: 'any', leader: 'any' }, body: () => ({ action: 'urge', note: '请三日内整改到位' }) },
  ],
  // 催办: the office or a leader, on any open item.
  'POST /api/rectifications/{id}/urge': { gate: ['office', 'leader'], on: 'assigned', allow: { office: 'any', leader: 'any' }, body: () => ({ message: '请加快整改进度' }) },
  'POST /api/rectifications/{id}/attachments': { gate: BUSINESS, on: 'base', allow: { office: 'any', ...forUnits('own', 'co') }, form: pngForm },
  'GET /api/rectifications/{id}/attachments': { gate: BUSINESS, on: 'base', allow: SEES_ITEMS },
  'GET /api/rectifications/{id}/attachments/{attachmentId}': {
    gate: BUSINESS,
    on: 'base',
    allow: SEES_ITEMS,
    params: (c) => ({ id: c.id, attachmentId: c.fx.attachments[(c.target as { item: ItemKey }).item] }),
  },

  // 暗访督导 and 回头看: inspectors and the office only (a plan is confidential until published). The ids are fresh
  // random ones: the rows prove the role gate (404 for everyone else on /api/inspections — as for a route that does not
  // exist —, 403 on /api/lookbacks); an allowed caller gets
  // the 404 of an id that does not exist. test/src/inspections.e2e.test.ts drives these routes on real objects.
  'POST /api/inspections': {
    gate: ['inspector', 'office'],
    hidden: true,
    allow: { inspector: 'any', office: 'any' },
    body: () => ({ title: '授权矩阵暗访', targetUnitIds: ['village-1'], windowFrom: inDays(1), windowTo: inDays(3), team: ['周组长'] }),
  },
  'GET /api/inspections': { gate: ['inspector', 'office'], hidden: true, allow: { inspector: 'any', office: 'any' }, query: {} },
  'GET /api/inspections/{id}': { gate: ['inspector', 'office'], hidden: true, allow: { inspector: 'any', office: 'any' }, params: () => ({ id: randomUUID() }), accepts: notFound },
  'POST /api/inspections/{id}/findings': {
    gate: ['inspector', 'office'],
    hidden: true,
    allow: { inspector: 'any', office: 'any' },
    params: () => ({ id: randomUUID() }),
    body: () => ({ place: '一村', category: 'other', description: '授权矩阵', responsibleUnitId: 'village-1', suggestedDueDate: inDays(30) }),
    accepts: (reply) => notFound(reply) || businessRefusal('responsibleUnitId')(reply),
  },
  'POST /api/inspections/{id}/findings/{findingId}/evidence': {
    gate: ['inspector', 'office'],
    hidden: true,
    allow: { inspector: 'any', office: 'any' },
    params: () => ({ id: randomUUID(), findingId: randomUUID() }),
    query: { capturedAt: '2026-01-05T09:30:00+08:00' },
    form: pngForm,
    accepts: notFound,
  },
  'GET /api/inspections/{id}/circular': { gate: ['inspector', 'office'], hidden: true, allow: { inspector: 'any', office: 'any' }, params: () => ({ id: randomUUID() }), accepts: notFound },
  'POST /api/inspections/{id}/publish': { gate: ['inspector', 'office'], hidden: true, allow: { inspector: 'any', office: 'any' }, params: () => ({ id: randomUUID() }), accepts: notFound },
  // Started by an inspector for themself; the office must name the inspector (a 400 on that field without one).
  'POST /api/lookbacks': { gate: ['inspector', 'office'], allow: { inspector: 'any', office: 'any' }, body: () => ({ ratio: 0.5 }), accepts: businessRefusal('inspectorId') },
  'GET /api/lookbacks': { gate: ['inspector', 'office'], allow: { inspector: 'any', office: 'any' }, query: {} },
  'GET /api/lookbacks/inspectors': { gate: ['office'], allow: OFFICE },
  'GET /api/lookbacks/{id}': { gate: ['inspector', 'office'], allow: { inspector: 'any', office: 'any' }, params: () => ({ id: randomUUID() }), accepts: notFound },
  'POST /api/lookbacks/{id}/items/{itemId}/evidence': {
    gate: ['inspector', 'office'],
    allow: { inspector: 'any', office: 'any' },
    params: () => ({ id: randomUUID(), itemId: randomUUID() }),
    form: pngForm,
    accepts: notFound,
  },
  'POST /api/lookbacks/{id}/items/{itemId}/result': {
    gate: ['inspector', 'office'],
    allow: { inspector: 'any', office: 'any' },
    params: () => ({ id: randomUUID(), itemId: randomUUID() }),
    body: () => ({ outcome: 'passed', note: '现场核实已整改到位' }),
    accepts: notFound,
  },

  // monthly key-task lists: the office drafts, publishes and closes; the leader reads. The {id} rows prove the role
  // gates on ids that do not exist; who sees which assignment is proved in task-lists.e2e.test.ts.
  'POST /api/task-lists': { gate: ['office'], allow: OFFICE, body: () => ({ month: '2031-01', items: [] }) },
  'GET /api/task-lists': { gate: ['office', 'leader'], allow: { office: 'any', leader: 'any' } },
  'GET /api/task-lists/{id}': { gate: ['office', 'leader'], allow: { office: 'any', leader: 'any' }, params: () => ({ id: 'TL-2031-02' }), accepts: notFound },
  'PUT /api/task-lists/{id}': { gate: ['office'], allow: OFFICE, params: () => ({ id: 'TL-2031-02' }), body: () => ({ items: [] }), accepts: notFound },
  'POST /api/task-lists/{id}/publish': { gate: ['office'], allow: OFFICE, params: () => ({ id: 'TL-2031-02' }), body: () => ({}), accepts: notFound },
  'POST /api/task-lists/{id}/close': { gate: ['office'], allow: OFFICE, params: () => ({ id: 'TL-2031-02' }), accepts: notFound },
  'GET /api/task-lists/{id}/ledger': { gate: ['office', 'leader'], allow: { office: 'any', leader: 'any' }, params: () => ({ id: 'TL-2031-02' }), accepts: notFound },
  'GET /api/lookbacks/{id}/ledger': { gate: ['inspector', 'office'], allow: { inspector: 'any', office: 'any' }, params: () => ({ id: randomUUID() }), accepts: notFound },
  'GET /api/task-lists/{id}/results': { gate: ['office', 'leader'], allow: { office: 'any', leader: 'any' }, params: () => ({ id: 'TL-2031-02' }), accepts: notFound },
  // circulars (月调度 · 季通报): office and leader; task-list-circulars.e2e.test.ts proves the numbers.
  'GET /api/task-lists/{id}/dispatch': { gate: ['office', 'leader'], allow: { office: 'any', leader: 'any' }, params: () => ({ id: 'TL-2031-02' }), accepts: notFound },
  'GET /api/task-lists/{id}/dispatch.docx': { gate: ['office', 'leader'], allow: { office: 'any', leader: 'any' }, params: () => ({ id: 'TL-2031-02' }), accepts: notFound },
  'GET /api/task-lists/quarters/{quarter}': { gate: ['office', 'leader'], allow: { office: 'any', leader: 'any' }, params: () => ({ quarter: '2031-Q1' }) },
  'GET /api/task-lists/quarters/{quarter}/circular.docx': { gate: ['office', 'leader'], allow: { office: 'any', leader: 'any' }, params: () => ({ quarter: '2031-Q1' }) },
  'GET /api/assignments': { gate: BUSINESS, allow: { office: 'any', leader: 'any', unit: 'any', unit_leader: 'any' }, query: {} },
  // special campaigns: the office defines and runs them; units see them and report findings. The {id} rows prove the
  // role gates on an id that does not exist; campaigns.e2e.test.ts proves the rest.
  'POST /api/campaigns': {
    gate: ['office'],
    allow: OFFICE,
    body: () => ({ name: '矩阵专项行动', startDate: inDays(0), phases: [{ name: '排查', kind: 'check', endDate: inDays(10) }] }),
  },
  'GET /api/campaigns': { gate: BUSINESS, allow: { office: 'any', leader: 'any', unit: 'any', unit_leader: 'any' } },
  'GET /api/campaigns/{id}': { gate: BUSINESS, allow: { office: 'any', leader: 'any', unit: 'any', unit_leader: 'any' }, params: campaignId, accepts: notFound },
  'POST /api/campaigns/{id}/start': { gate: ['office'], allow: OFFICE, params: campaignId, accepts: notFound },
  'POST /api/campaigns/{id}/advance': { gate: ['office'], allow: OFFICE, params: campaignId, accepts: notFound },
  'POST /api/campaigns/{id}/spread': {
    gate: ['office'],
    allow: OFFICE,
    params: campaignId,
    body: () => ({ text: '举一反三排查', unitKind: 'township', dueDate: inDays(5) }),
    accepts: notFound,
  },
  'POST /api/campaigns/{id}/findings': {
    gate: ['unit', 'unit_leader'],
    allow: { unit: 'any', unit_leader: 'any' },
    params: campaignId,
    body: () => ({ checkId: 'check', title: '发现的问题', description: '问题描述', category: 'education' }),
    accepts: notFound,
  },
  'GET /api/campaigns/{id}/progress': { gate: ['office', 'leader'], allow: { office: 'any', leader: 'any' }, params: campaignId, accepts: notFound },
  'GET /api/campaigns/{id}/summary.docx': { gate: ['office', 'leader'], allow: { office: 'any', leader: 'any' }, params: campaignId, accepts: notFound },
  'GET /api/campaigns/{id}/summary': { gate: ['office', 'leader'], allow: { office: 'any', leader: 'any' }, params: campaignId, accepts: notFound },
  'GET /api/campaigns/{id}/items': { gate: ['office', 'leader'], allow: { office: 'any', leader: 'any' }, params: campaignId, accepts: notFound },
  'GET /api/campaigns/{id}/ledger': { gate: ['office', 'leader'], allow: { office: 'any', leader: 'any' }, params: campaignId, accepts: notFound },
  'GET /api/assignments/escalations': { gate: ['office', 'leader'], allow: { office: 'any', leader: 'any' }, query: {} },
  'POST /api/assignments/{id}/escalation': {
    gate: ['office', 'leader'],
    allow: { office: 'any', leader: 'any' },
    params: assignmentId,
    body: () => ({ action: 'urge', note: '请抓紧办理' }),
    accepts: notFound,
  },
  'POST /api/assignments/{id}/urge': {
    gate: ['office', 'leader'],
    allow: { office: 'any', leader: 'any' },
    params: assignmentId,
    body: () => ({ message: '请抓紧办理' }),
    accepts: notFound,
  },
  'GET /api/assignments/{id}': { gate: BUSINESS, allow: ASSIGNMENT_GATE, params: assignmentId, accepts: notFound },
  'POST /api/assignments/{id}/sign': { gate: BUSINESS, allow: ASSIGNMENT_GATE, params: assignmentId, accepts: notFound },
  'POST /api/assignments/{id}/split': {
    gate: BUSINESS,
    allow: ASSIGNMENT_GATE,
    params: assignmentId,
    body: () => ({ parts: [{ title: '入户核实', assigneeUserId: 'nobody', dueDate: inDays(5) }] }),
    accepts: notFound,
  },
  'POST /api/assignments/{id}/parts/{partId}/complete': {
    gate: BUSINESS,
    allow: ASSIGNMENT_GATE,
    params: () => ({ ...assignmentId(), partId: '2-1' }),
    body: () => ({ summary: '已完成' }),
    accepts: notFound,
  },
  'POST /api/assignments/{id}/value': { gate: BUSINESS, allow: ASSIGNMENT_GATE, params: assignmentId, body: () => ({ value: 10 }), accepts: notFound },
  'POST /api/assignments/{id}/submit': { gate: BUSINESS, allow: ASSIGNMENT_GATE, params: assignmentId, body: () => ({ summary: '已完成' }), accepts: notFound },
  'POST /api/assignments/{id}/countersign': { gate: BUSINESS, allow: ASSIGNMENT_GATE, params: assignmentId, body: note, accepts: notFound },
  'POST /api/assignments/{id}/return': { gate: BUSINESS, allow: ASSIGNMENT_GATE, params: assignmentId, body: () => ({ reason: '材料不全' }), accepts: notFound },
  'POST /api/assignments/{id}/sign-off': { gate: ['office'], allow: OFFICE, params: assignmentId, body: note, accepts: notFound },
  // recurring obligations (常态化任务): the office's alone; the {id} rows run on an id that does not exist.
  'POST /api/task-templates': { gate: ['office'], allow: OFFICE, body: () => templateBody() },
  'GET /api/task-templates': { gate: ['office'], allow: OFFICE, query: {} },
  'GET /api/task-templates/{id}': { gate: ['office'], allow: OFFICE, params: () => ({ id: 'tt-00000000' }), accepts: notFound },
  'PUT /api/task-templates/{id}': { gate: ['office'], allow: OFFICE, params: () => ({ id: 'tt-00000000' }), body: () => templateBody(), accepts: notFound },
  'DELETE /api/task-templates/{id}': { gate: ['office'], allow: OFFICE, params: () => ({ id: 'tt-00000000' }), accepts: notFound },
};

function registration(item: ItemKey) {
  const { title, leadUnitId, coUnitIds, verifierUnitId } = ITEMS[item];
  return {
    title,
    description: '授权矩阵测试用问题。',
    source: 'provincial_assessment',
    category: 'drinking_water',
    severity: 'general',
    leadUnitId,
    coUnitIds: [...coUnitIds],
    verifierUnitId,
  };
}
const planBody = () => ({ measures: '建立台账，逐户整改', targetDate: inDays(30), responsiblePerson: '分管副职 张三' });

/** Fields only the office sets (or nobody sets through a step): refused with a 400 wherever they are not part of the body. */
const RESERVED: Record<string, unknown> = {
  dueDate: '2030-12-31',
  dueAt: '2030-12-31T15:59:59.999Z',
  policy: { id: 'lenient', version: 9 },
  source: 'self_inspection',
  status: 'closed',
  leadUnitId: 'village-2',
  coUnitIds: ['village-2'],
  verifierUnitId: 'village-2',
  unitScope: ['village-2'],
  escalation: { level: 0 },
  version: 999,
  roles: ['office'],
  _id: '00000000-0000-4000-8000-000000000001',
  $where: 'sleep(1000)',
};

// ─── Running it ──────────────────────────────────────────────────────────────────────────────────────────────

interface Reply {
  status: number;
  body: any;
}
interface Session {
  accessToken: string;
  refreshToken: string;
}
interface Fixtures {
  sessions: Record<UserKey, Session>;
  base: Record<ItemKey, string>;
  /** Item triples per operation case (`${operation}#${case}`). */
  triples: Map<string, Record<ItemKey, string>>;
  attachments: Record<ItemKey, string>;
  notifications: Partial<Record<UserKey, string>>;
  channels: Record<UserKey, string>;
  overrideDates: Record<UserKey, string>;
  spare: Record<SpareUser, string>;
}
type Outcome = 'allowed' | 403 | 404;
interface Row {
  readonly operation: string;
  readonly caseIndex: number;
  readonly user: UserKey;
  readonly target: Target | undefined;
  readonly expected: Outcome;
  reply?: Reply;
}
interface OpenApiOperation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema?: { $ref?: string; properties?: Record<string, unknown> } }> };
}

let stack: Stack;
let fx: Fixtures;
let document: { paths: Record<string, Record<string, OpenApiOperation>>; components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> } };
const rows: Row[] = [];
const probes = new Map<string, { label: string; reply: Reply; field: string | null }[]>();
const unauthenticated = new Map<string, Reply>();
let snapshots: { before: unknown; after: unknown };

const casesOf = (entry: Rule | readonly Rule[]): readonly Rule[] => (Array.isArray(entry) ? entry : [entry as Rule]);
const caseId = (operation: string, index: number) => `${operation}#${index}`;
const describeTarget = (t: Target | undefined) => (!t ? '' : t.kind === 'item' ? ` on ${t.item}` : ` on ${t.owner}'s notification`);

function granted(grants: Grants, user: UserKey, target: Target | undefined): boolean {
  return USERS[user].roles.some((role) => {
    const grant = grants[role];
    if (grant === 'any') return true;
    if (!grant || !target) return false;
    const held = relations(user, target);
    return grant.some((r) => held.has(r));
  });
}

function expectedOutcome(rule: Rule, user: UserKey, target: Target | undefined): Outcome {
  if (rule.gate === 'public') return 'allowed';
  if (rule.gate !== 'authenticated' && !USERS[user].roles.some((role) => (rule.gate as readonly Role[]).includes(role))) return rule.hidden ? 404 : 403;
  if (target && !granted(rule.sees ?? (target.kind === 'item' ? SEES_ITEMS : OWN_ONLY), user, target)) return 404;
  return granted(rule.allow ?? {}, user, target) ? 'allowed' : 403;
}

function answers(expected: Outcome, rule: Rule, reply: Reply): boolean {
  const code = reply.body?.error?.code;
  if (expected === 403) return reply.status === 403 && (code === 'forbidden' || code === 'not_permitted');
  if (expected === 404) return reply.status === 404 && code === 'not_found';
  if ([200, 201, 204, 409].includes(reply.status)) return true;
  if (reply.status === 400 && reply.body?.error?.details?.action) return true;
  return rule.accepts?.(reply) ?? false;
}

function targetsOf(rule: Rule): (Target | undefined)[] {
  if (rule.on) return ITEM_KEYS.map((item) => ({ kind: 'item', item }));
  if (rule.object === 'notification') return (Object.keys(fx.notifications) as UserKey[]).map((owner) => ({ kind: 'notification', owner }));
  return [undefined];
}

function idOf(operation: string, index: number, rule: Rule, target: Target | undefined): string {
  if (!target) return '';
  if (target.kind === 'notification') return fx.notifications[target.owner]!;
  const triple = rule.on === 'base' ? fx.base : fx.triples.get(caseId(operation, index));
  return triple![target.item];
}

async function send(user: UserKey | null, method: string, path: string, payload: { body?: unknown; form?: FormData } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (user) headers.authorization = `Bearer ${fx.sessions[user].accessToken}`;
  let body: string | FormData | undefined;
  if (payload.form) body = payload.form;
  else if (payload.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(payload.body);
  }
  const response = await fetch(stack.baseUrl + path, { method, headers, body });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('json') && text.length > 0;
  return { status: response.status, body: json ? JSON.parse(text) : text };
}

/** The request a row sends, or a probe built on it. */
function request(operation: string, index: number, user: UserKey, target: Target | undefined, extra: { body?: Record<string, unknown>; query?: string } = {}) {
  const [method, template] = operation.split(' ') as [string, string];
  const rule = casesOf(TABLE[operation]!)[index]!;
  const c: Ctx = { user, target, id: idOf(operation, index, rule, target), fx };
  const params: Record<string, string> = { ...(target ? { id: c.id } : {}), ...rule.params?.(c) };
  const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(params[name] ?? `missing-${name}`));
  const query = [new URLSearchParams(rule.query ?? {}).toString(), extra.query ?? ''].filter(Boolean).join('&');
  const body = extra.body ?? rule.body?.(c);
  return { method, path: query ? `${path}?${query}` : path, body, form: rule.form?.() };
}

async function inBatches<T>(tasks: (() => Promise<T>)[], width = 24): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

async function ok(user: UserKey, method: string, path: string, payload: { body?: unknown; form?: FormData } = {}): Promise<Reply> {
  const reply = await send(user, method, path, payload);
  if (reply.status >= 300) throw new Error(`${user} ${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply;
}

/** Polls until `done` (expect.poll works only inside a test, these run in beforeAll). */
async function until(what: string, done: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// ─── Fixtures ────────────────────────────────────────────────────────────────────────────────────────────────

const step = (user: UserKey, id: string, path: string, body: Record<string, unknown> = {}) => ok(user, 'POST', `/api/rectifications/${id}/${path}`, { body });
const register = async (item: ItemKey) => (await ok('office', 'POST', '/api/rectifications', { body: { ...registration(item), dueDate: inDays(60) } })).body.id as string;
const SEED_ACTOR = { userId: 'seed', name: '台账导入', unitId: 'office', roles: ['office' as Role] };

/**
 * Walks one real item of each kind through every stage over the API, as the units involved would, and keeps its
 * state (the workflow's own) at each stage. A detour through an extension request and a deferral yields those too.
 */
async function walk(item: ItemKey, reached: (stage: Stage, state: RectificationState) => void): Promise<void> {
  const id = await register(item);
  const capture = async (stage: Stage) => reached(stage, await stack.temporal.workflow.getHandle(workflowIds.rectification(id)).query(stateQuery));
  const lead = LEAD_USER[item];
  await capture('assigned');
  await step(lead, id, 'sign');
  for (const co of ITEMS[item].coUnitIds) await step(handlerOf(co), id, 'parts', { summary: '承担部分已完成' });
  await capture('signed');
  await step(lead, id, 'extension', { reason: '汛期无法施工', newDueDate: inDays(90) });
  await capture('extensionRequested');
  await step('office', id, 'extension/decision', { approve: false });
  await step(lead, id, 'plan', planBody());
  await capture('planSubmitted');
  await step('office', id, 'plan/approve');
  await capture('rectifying');
  await step('office', id, 'deferral', { reason: '需待省级项目立项', reviewDate: inDays(30) });
  await capture('deferred');
  await step('office', id, 'resume');
  await step(lead, id, 'completion', { summary: '已整改到位' });
  await capture('pendingVerification');
  await step(VERIFIER_USER[item], id, 'verify');
  await capture('pendingAcceptance');
  await step('office', id, 'sign-off');
  await capture('closed');
}

/**
 * A new item in exactly the state a walked item reached: its own process started from that state (as a reopened
 * item's is), so each operation's rows act on items of their own without walking each one through every step.
 */
async function cloneOf(state: RectificationState): Promise<string> {
  const id = randomUUID();
  const carried: RectificationState = { ...state, id };
  const start = new WithStartWorkflowOperation(RECTIFICATION_WORKFLOW, {
    workflowId: workflowIds.rectification(id),
    taskQueue: stack.taskQueue,
    args: [{ item: carried, registeredBy: SEED_ACTOR, carried } satisfies RectificationWorkflowInput],
    workflowIdConflictPolicy: 'FAIL',
  });
  await stack.temporal.workflow.executeUpdateWithStart(registeredUpdate, { startWorkflowOperation: start });
  return id;
}

/**
 * An item overdue long enough to be escalated: started through Temporal directly (the API refuses past deadlines),
 * as an item from a ledger kept before Duban would be, and escalated by the real worker's timers.
 */
async function escalatedItem(item: ItemKey, level: 1 | 2): Promise<string> {
  const id = randomUUID();
  const overdueDays = level === 1 ? 10 : 40;
  const input: RectificationWorkflowInput = {
    item: {
      ...registration(item),
      id,
      source: 'provincial_assessment',
      category: 'drinking_water',
      severity: 'general',
      dueAt: endOfShanghaiDay(shanghaiDate(new Date(Date.now() - overdueDays * 86_400_000))),
    },
    registeredBy: SEED_ACTOR,
  };
  await stack.temporal.workflow.start(RECTIFICATION_WORKFLOW, { workflowId: workflowIds.rectification(id), taskQueue: stack.taskQueue, args: [input] });
  await until(`${item} escalated to level ${level}`, async () => (await send('office', 'GET', `/api/rectifications/${id}`)).body?.escalation?.level === level);
  return id;
}

async function buildFixtures(): Promise<void> {
  const tokens = await Promise.all(
    USER_KEYS.map(async (user) => {
      const reply = await send(null, 'POST', '/api/auth/login', { body: { username: user, password: PASSWORD } });
      if (reply.status !== 200) throw new Error(`login ${user}: ${reply.status} ${JSON.stringify(reply.body)}`);
      return [user, { accessToken: reply.body.accessToken, refreshToken: reply.body.refreshToken }] as const;
    }),
  );
  fx = {
    sessions: Object.fromEntries(tokens) as Record<UserKey, Session>,
    base: {} as Record<ItemKey, string>,
    triples: new Map(),
    attachments: {} as Record<ItemKey, string>,
    notifications: {},
    channels: {} as Record<UserKey, string>,
    overrideDates: {} as Record<UserKey, string>,
    spare: {} as Record<SpareUser, string>,
  };
  const users = stack.database.collection<{ _id: string; username: string }>('users');
  for (const username of SPARE_USERS) fx.spare[username] = (await users.findOne({ username }))!._id;

  const cases = Object.entries(TABLE).flatMap(([operation, entry]) => casesOf(entry).map((rule, index) => ({ key: caseId(operation, index), on: rule.on })));
  for (const { key, on } of cases) if (on && on !== 'base') fx.triples.set(key, {} as Record<ItemKey, string>);
  const work: Promise<void>[] = [];
  // Each operation's items are copied from the walked ones as soon as they reach the operation's stage.
  const reached = (item: ItemKey) => (stage: Stage, state: RectificationState) => {
    for (const { key, on } of cases) {
      if (on === stage) work.push(cloneOf(state).then((id) => void (fx.triples.get(key)![item] = id)));
    }
  };
  const walks = ITEM_KEYS.map((item) => walk(item, reached(item)));
  // The items seeded by the office, read-only for the rows: one led by the township, one by village 1, one by the water bureau.
  for (const item of ITEM_KEYS) {
    work.push(
      (async () => {
        fx.base[item] = await register(item);
        fx.attachments[item] = (await ok('office', 'POST', `/api/rectifications/${fx.base[item]}/attachments`, { form: pngForm() })).body.id as string;
      })(),
    );
  }
  for (const { key, on } of cases) {
    if (on !== 'escalated1' && on !== 'escalated2') continue;
    for (const item of ITEM_KEYS) work.push(escalatedItem(item, on === 'escalated1' ? 1 : 2).then((id) => void (fx.triples.get(key)![item] = id)));
  }
  USER_KEYS.forEach((user, i) => {
    const date = `2031-03-${String(i + 2).padStart(2, '0')}`;
    fx.overrideDates[user] = date;
    work.push(
      (async () => {
        await ok('office', 'PUT', `/api/calendar/overrides/${date}`, { body: { working: false, name: '测试调整' } });
        const unit = USERS[user].unit;
        const channel = await ok('office', 'POST', `/api/org/units/${unit}/webhooks`, { body: { kind: 'json', name: `渠道 ${user}`, url: 'http://127.0.0.1:9/hook', enabled: false } });
        fx.channels[user] = channel.body.id as string;
      })(),
    );
  });
  await Promise.all(walks);
  await Promise.all(work);

  // Notifications arrive from the workflows' activities; wait for one of the township's and one of the office's.
  for (const owner of ['town', 'office'] as const) {
    await until(`a notification for ${owner}`, async () => ((await send(owner, 'GET', '/api/notifications')).body?.items?.length ?? 0) > 0);
    fx.notifications[owner] = (await send(owner, 'GET', '/api/notifications')).body.items[0].id as string;
  }
}

/** What a refused request must leave untouched: items (by version), units, users, channels, calendar, settings. */
async function snapshot(): Promise<unknown> {
  const read = (name: string, projection?: Record<string, 1>) =>
    stack.database
      .collection(name)
      .find({}, projection ? { projection } : {})
      .sort({ _id: 1 })
      .toArray();
  const [rectifications, units, users, channels, overrides, settings, attachments] = await Promise.all([
    read('rectifications', { version: 1, status: 1, dueAt: 1, leadUnitId: 1, policy: 1, source: 1, verifierUnitId: 1, coUnitIds: 1 }),
    read('units'),
    read('users'),
    read('webhook_channels'),
    read('calendar_overrides'),
    read('settings'),
    read('attachments', { _id: 1 }),
  ]);
  return JSON.parse(JSON.stringify({ rectifications, units, users, channels, overrides, settings, attachments }));
}

function schemaProperties(operation: OpenApiOperation): Set<string> {
  const schema = operation.requestBody?.content['application/json']?.schema;
  const resolved = schema?.$ref ? document.components?.schemas?.[schema.$ref.split('/').pop()!] : schema;
  return new Set(Object.keys(resolved?.properties ?? {}));
}

const documentOperation = (operation: string): OpenApiOperation | undefined => {
  const [method, path] = operation.split(' ') as [string, string];
  return document.paths[path]?.[method.toLowerCase()];
};

/** Who sends an operation's probes: the most privileged non-office caller it lets through, else the office. */
function prober(operation: string): { user: UserKey; target: Target | undefined } {
  const rule = casesOf(TABLE[operation]!)[0]!;
  for (const user of [...USER_KEYS.filter((u) => u !== 'office'), 'office' as const]) {
    for (const target of targetsOf(rule)) if (expectedOutcome(rule, user, target) === 'allowed') return { user, target };
  }
  throw new Error(`${operation}: nobody may call it`);
}

function probeTasks(): (() => Promise<void>)[] {
  const tasks: (() => Promise<void>)[] = [];
  const record = (operation: string, label: string, field: string | null, run: () => Promise<Reply>) =>
    tasks.push(async () => {
      const reply = await run();
      probes.set(operation, [...(probes.get(operation) ?? []), { label, reply, field }]);
    });

  for (const operation of Object.keys(TABLE)) {
    const described = documentOperation(operation);
    if (!described) continue;
    const rule = casesOf(TABLE[operation]!)[0]!;
    const { user, target } = prober(operation);
    const sender = rule.gate === 'public' ? null : user;

    // No token → 401 on every operation that is not public.
    if (rule.gate !== 'public') {
      const r = request(operation, 0, user, target);
      unauthenticated.set(operation, { status: 0, body: null });
      tasks.push(async () => void unauthenticated.set(operation, await send(null, r.method, r.path, { body: r.body, form: r.form })));
    }
    // Mass assignment: a valid body plus one reserved field → 400 naming it.
    if (rule.body) {
      const valid = request(operation, 0, user, target).body as Record<string, unknown>;
      const own = schemaProperties(described);
      for (const [field, value] of Object.entries(RESERVED)) {
        if (own.has(field)) continue;
        const r = request(operation, 0, user, target, { body: { ...valid, [field]: value } });
        record(operation, `body + ${field}`, field, () => send(sender, r.method, r.path, { body: r.body }));
      }
      // Operators where a string belongs.
      for (const [field, value] of Object.entries(valid)) {
        if (typeof value !== 'string') continue;
        const r = request(operation, 0, user, target, { body: { ...valid, [field]: { $ne: null } } });
        record(operation, `${field}: {$ne: null}`, field, () => send(sender, r.method, r.path, { body: r.body }));
      }
    }
    // Operator injection in query strings.
    const queryParameters = (described.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    if (operation.startsWith('GET ') && queryParameters.length > 0) {
      const injections = [...queryParameters.map((p) => `${p}[$ne]=x`), 'status[$ne]=x', 'unitId[$gt]='];
      for (const injection of injections) {
        const r = request(operation, 0, user, target, { query: injection });
        record(operation, `?${injection}`, null, () => send(sender, r.method, r.path));
      }
    }
  }
  return tasks;
}

function buildRows(): void {
  for (const [operation, entry] of Object.entries(TABLE)) {
    if (!documentOperation(operation)) continue;
    casesOf(entry).forEach((rule, caseIndex) => {
      for (const target of targetsOf(rule)) {
        for (const user of USER_KEYS) rows.push({ operation, caseIndex, user, target, expected: expectedOutcome(rule, user, target) });
      }
    });
  }
}

const runRow = (row: Row) => async () => {
  const r = request(row.operation, row.caseIndex, row.user, row.target);
  row.reply = await send(row.user, r.method, r.path, { body: r.body, form: r.form });
};

/**
 * The probes and every denied row first, all at once — none may change anything, and the snapshots around them
 * say so; then the allowed rows, so a step an allowed caller takes cannot hide a wrong answer to a denied one.
 */
async function runMatrix(): Promise<void> {
  buildRows();
  const before = await snapshot();
  await inBatches([...probeTasks(), ...rows.filter((row) => row.expected !== 'allowed' && !isLast(row.operation)).map(runRow)], 32);
  snapshots = { before, after: await snapshot() };
  await inBatches(rows.filter((row) => row.expected === 'allowed' && !isLast(row.operation)).map(runRow));
}

/** The rows that end sessions run after every other test (see the last describe). */
async function runLastRows(): Promise<void> {
  await inBatches(rows.filter((row) => isLast(row.operation) && !row.reply).map(runRow));
}
const isLast = (operation: string) => casesOf(TABLE[operation]!).some((rule) => rule.last === true);

beforeAll(async () => {
  stack = await startStack(org, { webhookAllowList: '127.0.0.1' }); // the channels' http://127.0.0.1:9/hook
  document = (await send(null, 'GET', '/api/openapi.json')).body;
  await buildFixtures();
  await runMatrix();
}, 240_000);

afterAll(async () => {
  await stack?.close();
});

// ─── Assertions ──────────────────────────────────────────────────────────────────────────────────────────────

const documentedOperations = () =>
  Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));

describe('the table', () => {
  it('classifies every operation of the OpenAPI document, and nothing else', () => {
    const documented = documentedOperations();
    expect(documented.filter((operation) => !(operation in TABLE)), 'operations without a table entry').toEqual([]);
    expect(Object.keys(TABLE).filter((operation) => !documented.includes(operation)), 'table entries for no operation').toEqual([]);
  });

  it('gives a minimal body exactly to the operations with a JSON body, and query parameters to those that take them', () => {
    const problems: string[] = [];
    for (const operation of documentedOperations().filter((o) => o in TABLE)) {
      const described = documentOperation(operation)!;
      for (const rule of casesOf(TABLE[operation]!)) {
        const json = described.requestBody?.content['application/json'] !== undefined;
        const multipart = described.requestBody?.content['multipart/form-data'] !== undefined;
        if (json !== (rule.body !== undefined)) problems.push(`${operation}: JSON body ${json ? 'expected' : 'not expected'}`);
        if (multipart !== (rule.form !== undefined)) problems.push(`${operation}: multipart body ${multipart ? 'expected' : 'not expected'}`);
        const takesQuery = (described.parameters ?? []).some((p) => p.in === 'query');
        if (takesQuery !== (rule.query !== undefined)) problems.push(`${operation}: query ${takesQuery ? 'expected' : 'not expected'}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('authorization matrix: operation × user × own / sub-unit / other unit', () => {
  it.each(Object.keys(TABLE).filter((operation) => !isLast(operation)))('%s', (operation) => checkOperation(operation));

  it('answers 401 without a token on every operation that is not public', () => {
    const wrong = [...unauthenticated].filter(([, reply]) => reply.status !== 401 || reply.body?.error?.code !== 'unauthenticated').map(([operation, reply]) => `${operation}: ${reply.status}`);
    expect(unauthenticated.size).toBeGreaterThan(30);
    expect(wrong).toEqual([]);
  });
});

function checkOperation(operation: string): void {
  expect(documentOperation(operation), `${operation} is not in the OpenAPI document`).toBeDefined();
  const mine = rows.filter((row) => row.operation === operation);
  const ruleOf = (row: Row) => casesOf(TABLE[operation]!)[row.caseIndex]!;
  const wrong = mine
    .filter((row) => !row.reply || !answers(row.expected, ruleOf(row), row.reply))
    .map((row) => {
      const error = row.reply?.body?.error;
      return `${row.user}${describeTarget(row.target)}: expected ${row.expected}, got ${row.reply?.status ?? 'nothing'}${error ? ` ${error.code} ${error.message}` : ''}`;
    });
  expect(wrong).toEqual([]);

  // Each object some caller may act on was acted on at least once: the fixture put it where the step is possible.
  const unexercised: string[] = [];
  casesOf(TABLE[operation]!).forEach((_rule, caseIndex) => {
    const groups = new Map<string, Row[]>();
    for (const row of mine.filter((r) => r.caseIndex === caseIndex && r.expected === 'allowed')) {
      const key = describeTarget(row.target) || '(no object)';
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    const succeeded = (row: Row) => row.reply !== undefined && (row.reply.status < 300 || (ruleOf(row).accepts?.(row.reply) ?? false));
    for (const [key, group] of groups) {
      if (!group.some(succeeded)) unexercised.push(`case ${caseIndex}${key}: ${group.map((r) => `${r.user} ${r.reply?.status}`).join(', ')}`);
    }
  });
  expect(unexercised, 'no allowed caller succeeded').toEqual([]);
}

describe('no mass assignment, no operator injection', () => {
  const probed = Object.entries(TABLE)
    .filter(([operation, entry]) => casesOf(entry)[0]!.body !== undefined || operation.startsWith('GET '))
    .map(([operation]) => operation);

  const refusesProbes = (operation: string) => {
    const mine = probes.get(operation) ?? [];
    if (casesOf(TABLE[operation]!)[0]!.body !== undefined) expect(mine.length).toBeGreaterThan(0);
    const wrong = mine
      .filter(({ reply, field }) => {
        if (reply.status !== 400 || reply.body?.error?.code !== 'invalid_input') return true;
        return field !== null && !(reply.body.error.details?.fields ?? []).some((f: { field: string }) => f.field === field || f.field.startsWith(`${field}.`));
      })
      .map(({ label, reply }) => `${label}: ${reply.status} ${JSON.stringify(reply.body?.error ?? reply.body).slice(0, 200)}`);
    expect(wrong).toEqual([]);
  };
  it.each(probed)('%s refuses reserved fields and operators with a 400 naming them', refusesProbes);

  it('changed nothing while refusing them and every denied row of the matrix', () => {
    expect(snapshots.after).toEqual(snapshots.before);
  });
});

describe('in detail', () => {
  it('answers an item of another unit exactly like an id that does not exist', async () => {
    const unknown = randomUUID();
    for (const path of ['', '/attachments']) {
      const hidden = await send('village2', 'GET', `/api/rectifications/${fx.base.T}${path}`);
      const missing = await send('village2', 'GET', `/api/rectifications/${unknown}${path}`);
      expect(hidden).toEqual({ status: 404, body: missing.body });
    }
    const hiddenStep = await send('village2', 'POST', `/api/rectifications/${fx.base.V1}/sign`);
    const missingStep = await send('village2', 'POST', `/api/rectifications/${unknown}/sign`);
    expect(hiddenStep).toEqual({ status: 404, body: missingStep.body });
  });

  it("lists in each inbox exactly the items the caller may see: a township's own and its villages', never a neighbour's", async () => {
    const inboxUsers = USER_KEYS.filter((user) => USERS[user].roles.some((role) => BUSINESS.includes(role)));
    for (const user of inboxUsers) {
      const seen = new Set<string>();
      let cursor: string | null = null;
      do {
        const page: Reply = await send(user, 'GET', `/api/inbox?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        for (const item of page.body.items as { id: string }[]) seen.add(item.id);
        cursor = page.body.nextCursor;
      } while (cursor);
      const expected = ITEM_KEYS.filter((item) => granted(SEES_ITEMS, user, { kind: 'item', item }));
      expect(ITEM_KEYS.filter((item) => seen.has(fx.base[item])), user).toEqual(expected);
    }
  });

  it('gives a unit an empty inbox page when it asks for a unit outside its own subtree', async () => {
    for (const [user, asked] of [['village2', 'town'], ['town', 'water'], ['water', 'county']] as const) {
      const { status, body } = await send(user, 'GET', `/api/inbox?limit=100&unitId=${asked}`);
      expect({ status, body }, `${user} asking for ${asked}`).toEqual({ status: 200, body: { items: [], nextCursor: null } });
    }
  });

  it('refuses a body sent to a step that takes none: the office\'s fields stay as they were', async () => {
    const id = await register('T');
    const before = (await send('office', 'GET', `/api/rectifications/${id}`)).body;
    const signed = await send('town', 'POST', `/api/rectifications/${id}/sign`, { body: RESERVED });
    expect(signed.status).toBe(400);
    const after = (await send('office', 'GET', `/api/rectifications/${id}`)).body;
    for (const field of ['dueAt', 'dueDate', 'policy', 'source', 'leadUnitId', 'coUnitIds', 'verifierUnitId', 'escalation']) expect(after[field], field).toEqual(before[field]);
    expect(after).toMatchObject({ status: before.status, version: before.version });
  });

  it('gives an inspector nothing of an open item, not even through the look-back route', async () => {
    const open = fx.base.D;
    expect((await send('inspector', 'GET', `/api/rectifications/${open}`)).status).toBe(403);
    const reopen = await send('inspector', 'POST', `/api/rectifications/${open}/reopen`, { body: { reason: '回头看', newDueDate: inDays(20) } });
    expect(reopen.status).toBe(404);
    expect(reopen.body).toEqual((await send('inspector', 'POST', `/api/rectifications/${randomUUID()}/reopen`, { body: { reason: '回头看', newDueDate: inDays(20) } })).body);
  });

  it('serves an attachment only through its own item', async () => {
    const other = await send('office', 'GET', `/api/rectifications/${fx.base.T}/attachments/${fx.attachments.D}`);
    expect(other.status).toBe(404);
  });
});

describe('last: operations that end the caller\'s session', () => {
  it.each(Object.keys(TABLE).filter(isLast))('%s', async (operation) => {
    await runLastRows();
    checkOperation(operation);
  });
});
