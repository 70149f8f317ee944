import { describe, expect, it } from 'vitest';
import type { Actor } from '../actor.js';
import { urgeCount } from '../supervision/urge.js';
import { allowedActions, decide, register } from './lifecycle.js';
import type { RectificationCommand, RectificationState } from './state.js';
import { STATUSES, type Status } from './vocabulary.js';

const at = '2026-11-22T02:00:00.000Z'; // 10:00 in Shanghai
const office: Actor = { userId: 'o', name: '办公室', unitId: 'office', roles: ['office'] };
const lead: Actor = { userId: 'l', name: '牵头单位经办人', unitId: 'water', roles: ['unit'] };
const leadBoss: Actor = { userId: 'lb', name: '牵头单位负责人', unitId: 'water', roles: ['unit_leader'] };
const coUnit: Actor = { userId: 'c', name: '配合单位', unitId: 'health', roles: ['unit'] };
const verifier: Actor = { userId: 'v', name: '初验乡镇', unitId: 'town-a', roles: ['unit'] };
const other: Actor = { userId: 'x', name: '无关单位', unitId: 'housing', roles: ['unit'] };
const leader: Actor = { userId: 'k', name: '组长', unitId: 'county', roles: ['leader'] };
const inspector: Actor = { userId: 'i', name: '督导组', unitId: 'office', roles: ['inspector'] };
const sysadmin: Actor = { userId: 's', name: '系统管理员', unitId: 'water', roles: ['sysadmin'] };
const actors = { office, lead, leadBoss, coUnit, verifier, other, leader, inspector, sysadmin };

const commands: { [K in RectificationCommand['type']]: Extract<RectificationCommand, { type: K }> } = {
  sign: { type: 'sign' },
  submitPlan: { type: 'submitPlan', measures: '接通管网', targetDate: '2026-12-20', responsiblePerson: '张三' },
  approvePlan: { type: 'approvePlan' },
  returnPlan: { type: 'returnPlan', reason: '措施不具体' },
  reportProgress: { type: 'reportProgress', summary: '已完成管网铺设 60%' },
  reportPart: { type: 'reportPart', summary: '已核实两户参保情况' },
  submitCompletion: { type: 'submitCompletion', summary: '已整改' },
  verify: { type: 'verify' },
  returnCompletion: { type: 'returnCompletion', reason: '佐证材料不全' },
  signOff: { type: 'signOff' },
  requestExtension: { type: 'requestExtension', reason: '汛期无法施工', newDueDate: '2027-01-31' },
  decideExtension: { type: 'decideExtension', approve: true },
  defer: { type: 'defer', reason: '需待省级政策明确', reviewDate: '2027-03-01' },
  resume: { type: 'resume' },
  merge: { type: 'merge', intoItemId: 'r2' },
  reopen: { type: 'reopen', reason: '回头看发现问题反弹', newDueDate: '2027-01-31' },
  handleEscalation: { type: 'handleEscalation', action: 'urge', note: '请三日内整改到位' },
  urge: { type: 'urge', message: '请加快整改进度' },
};

const fresh = register(
  {
    id: 'r1',
    title: '饮水安全',
    description: 'd',
    source: 'self_inspection',
    category: 'drinking_water',
    severity: 'general',
    leadUnitId: 'water',
    coUnitIds: ['health'],
    verifierUnitId: 'town-a',
    dueAt: '2026-12-31T15:59:59.999Z',
  },
  office,
  at,
);
/** The item in `status`, its co-unit having reported its part. */
const inStatus = (status: Status): RectificationState => ({
  ...fresh,
  status,
  coReports: { health: { summary: '已完成', evidence: [], at, by: { userId: 'c', name: '配合单位', unitId: 'health' } } },
});

const running: Status[] = ['assigned', 'signed', 'plan_submitted', 'rectifying', 'pending_verification', 'pending_acceptance'];
const open: Status[] = [...running, 'deferred'];
const unitSide = ['lead', 'leadBoss'];

/** The whole table: each accepted (status, action, actor) and where it leads. Everything else is refused. */
const ACCEPTED = new Map<string, Status>([
  ...unitSide.map((who) => [`assigned/sign/${who}`, 'signed'] as const),
  ...unitSide.map((who) => [`signed/submitPlan/${who}`, 'plan_submitted'] as const),
  ['plan_submitted/approvePlan/office', 'rectifying'],
  ['plan_submitted/returnPlan/office', 'signed'],
  ...unitSide.map((who) => [`rectifying/reportProgress/${who}`, 'rectifying'] as const),
  ...(['signed', 'plan_submitted', 'rectifying'] as const).map((s) => [`${s}/reportPart/coUnit`, s] as const),
  ...unitSide.map((who) => [`rectifying/submitCompletion/${who}`, 'pending_verification'] as const),
  ['pending_verification/verify/verifier', 'pending_acceptance'],
  ['pending_verification/returnCompletion/verifier', 'rectifying'],
  ['pending_acceptance/returnCompletion/office', 'rectifying'],
  ['pending_acceptance/signOff/office', 'closed'],
  ...(['signed', 'plan_submitted', 'rectifying'] as const).flatMap((s) => unitSide.map((who) => [`${s}/requestExtension/${who}`, s] as const)),
  ...running.map((s) => [`${s}/defer/office`, 'deferred'] as const),
  ['deferred/resume/office', 'rectifying'],
  ...open.map((s) => [`${s}/merge/office`, 'merged'] as const),
  ['closed/reopen/office', 'rectifying'],
  ['closed/reopen/inspector', 'rectifying'],
  ...open.flatMap((s) => ['office', 'leader'].map((who) => [`${s}/urge/${who}`, s] as const)),
]);

describe('decide: every status × action × actor', () => {
  for (const status of STATUSES) {
    for (const [action, command] of Object.entries(commands)) {
      for (const [who, actor] of Object.entries(actors)) {
        const key = `${status}/${action}/${who}`;
        it(`${key} → ${ACCEPTED.get(key) ?? 'refused'}`, () => {
          const decision = decide(inStatus(status), command, actor, at);
          expect(decision.ok ? decision.value.state.status : 'refused').toBe(ACCEPTED.get(key) ?? 'refused');
        });
      }
    }
  }
});

describe('allowedActions', () => {
  it('agrees with decide for every status and actor', () => {
    for (const status of STATUSES) {
      for (const actor of Object.values(actors)) {
        const accepted = Object.values(commands)
          .filter((c) => decide(inStatus(status), c, actor, at).ok)
          .map((c) => c.type);
        expect(allowedActions(inStatus(status), actor)).toEqual(accepted);
      }
    }
  });
});

describe('rules beyond status and role', () => {
  const refusedWith = (state: RectificationState, command: RectificationCommand, actor: Actor) => {
    const decision = decide(state, command, actor, at);
    return decision.ok ? 'accepted' : decision.violation.code;
  };

  it('refuses a wrong status before a wrong actor, so the message says what is wrong with the item', () => {
    expect(decide(inStatus('closed'), commands.sign, other, at)).toEqual({
      ok: false,
      violation: { code: 'invalid_state', message: '当前状态为“已验收销号”，不能签收', details: { status: 'closed', action: 'sign' } },
    });
  });

  it('records who did what, when, before and after, and bumps the version', () => {
    const decision = decide(fresh, commands.sign, lead, '2026-11-23T01:00:00.000Z');
    expect(decision.ok && decision.value.state).toMatchObject({
      version: 2,
      signedAt: '2026-11-23T01:00:00.000Z',
      timeline: [
        { seq: 1, action: 'register', toStatus: 'assigned' },
        { seq: 2, at: '2026-11-23T01:00:00.000Z', action: 'sign', actor: { userId: 'l', unitId: 'water' }, fromStatus: 'assigned', toStatus: 'signed' },
      ],
    });
  });

  it('needs measures, a responsible person and a target date within the item deadline in a plan', () => {
    const signed = inStatus('signed');
    expect(refusedWith(signed, { ...commands.submitPlan, measures: ' ' }, lead)).toBe('invalid_input');
    expect(refusedWith(signed, { ...commands.submitPlan, responsiblePerson: '' }, lead)).toBe('invalid_input');
    expect(refusedWith(signed, { ...commands.submitPlan, targetDate: '2027-01-05' }, lead)).toBe('invalid_input');
    expect(refusedWith(signed, { ...commands.submitPlan, targetDate: '2026-11-21' }, lead)).toBe('invalid_input');
    expect(refusedWith(signed, { ...commands.submitPlan, targetDate: '2026-12-31' }, lead)).toBe('accepted');
  });

  it('closes completion to a lead unit whose co-units have not reported their parts', () => {
    const withoutParts = { ...inStatus('rectifying'), coReports: {} };
    const decision = decide(withoutParts, commands.submitCompletion, lead, at);
    expect(decision).toMatchObject({ ok: false, violation: { code: 'invalid_input', message: '配合单位尚未报送承担部分：health' } });
  });

  it('goes straight to acceptance when the item has one review level', () => {
    const oneLevel = { ...inStatus('rectifying'), verifierUnitId: null };
    const decision = decide(oneLevel, commands.submitCompletion, lead, at);
    expect(decision.ok && decision.value.state.status).toBe('pending_acceptance');
    expect(refusedWith({ ...oneLevel, status: 'pending_acceptance' }, commands.verify, verifier)).toBe('invalid_state');
  });

  it('issues a yellow notice on the second return, and only then', () => {
    const first = decide(inStatus('plan_submitted'), commands.returnPlan, office, at);
    if (!first.ok) throw new Error('refused');
    expect(first.value.effects.filter((e) => e.kind === 'notice')).toEqual([]);
    const again = decide({ ...first.value.state, status: 'pending_acceptance' }, commands.returnCompletion, office, at);
    if (!again.ok) throw new Error('refused');
    expect(again.value.state.returns).toBe(2);
    expect(again.value.effects.filter((e) => e.kind === 'notice')).toEqual([
      { kind: 'notice', key: 'yellow:returns:2', colour: 'yellow', reason: '整改方案或整改结果已被退回2次，整改质量不高' },
    ]);
  });

  it('allows one pending extension request at a time, to a later date; approval moves the deadline and resets escalation', () => {
    const requested = decide(inStatus('rectifying'), commands.requestExtension, lead, at);
    if (!requested.ok) throw new Error('refused');
    expect(refusedWith(requested.value.state, commands.requestExtension, lead)).toBe('invalid_state');
    expect(refusedWith(inStatus('rectifying'), { ...commands.requestExtension, newDueDate: '2026-12-31' }, lead)).toBe('invalid_input');
    const escalated = { ...requested.value.state, escalation: { level: 1 as const, since: at, accountability: false, handled: null } };
    const approved = decide(escalated, commands.decideExtension, office, at);
    expect(approved.ok && approved.value.state).toMatchObject({
      dueAt: '2027-01-31T15:59:59.999Z',
      extension: null,
      escalation: { level: 0, handled: null },
    });
    const denied = decide(requested.value.state, { type: 'decideExtension', approve: false }, office, at);
    expect(denied.ok && denied.value.state).toMatchObject({ dueAt: fresh.dueAt, extension: null });
  });

  it('resumes a deferred item where it was, optionally with a new deadline', () => {
    const deferred = decide(inStatus('plan_submitted'), commands.defer, office, at);
    if (!deferred.ok) throw new Error('refused');
    expect(deferred.value.state.deferral).toMatchObject({ reason: '需待省级政策明确', reviewDate: '2027-03-01', resumeStatus: 'plan_submitted' });
    const resumed = decide(deferred.value.state, { type: 'resume', newDueDate: '2027-04-30' }, office, at);
    expect(resumed.ok && resumed.value.state).toMatchObject({ status: 'plan_submitted', deferral: null, dueAt: '2027-04-30T15:59:59.999Z' });
  });

  it('lets the office handle a level-1 escalation and the leader a level-2 one, once per level', () => {
    const escalation = (level: 1 | 2) => ({ ...inStatus('rectifying'), escalation: { level, since: at, accountability: level === 2, handled: null } });
    expect(refusedWith(escalation(1), commands.handleEscalation, leader)).toBe('not_permitted');
    expect(refusedWith(escalation(2), commands.handleEscalation, leader)).toBe('accepted');
    const urged = decide(escalation(1), commands.handleEscalation, office, at);
    if (!urged.ok) throw new Error('refused');
    expect(urged.value.state.escalation).toMatchObject({ level: 1, handled: { action: 'urge', note: '请三日内整改到位' } });
    expect(refusedWith(urged.value.state, commands.handleEscalation, office)).toBe('invalid_state');
    const extended = decide(escalation(2), { type: 'handleEscalation', action: 'extend', note: '同意延期', newDueDate: '2027-02-10' }, leader, at);
    expect(extended.ok && extended.value.state).toMatchObject({ dueAt: '2027-02-10T15:59:59.999Z', escalation: { level: 0, accountability: true } });
    expect(refusedWith(escalation(1), { type: 'handleEscalation', action: 'extend', note: '延期' }, office)).toBe('invalid_input');
  });

  it('reopens a closed item red, with a new deadline and escalation counting from zero but the accountability flag kept', () => {
    const closed = { ...inStatus('closed'), closedAt: at, escalation: { level: 2 as const, since: at, accountability: true, handled: null } };
    const reopened = decide(closed, commands.reopen, inspector, at);
    if (!reopened.ok) throw new Error('refused');
    expect(reopened.value.state).toMatchObject({ status: 'rectifying', closedAt: null, dueAt: '2027-01-31T15:59:59.999Z', escalation: { level: 0, accountability: true } });
    expect(reopened.value.effects).toContainEqual(expect.objectContaining({ kind: 'notice', colour: 'red' }));
  });

  it('urges the lead unit with the message on the timeline, counted, status and deadline untouched', () => {
    const urged = decide(inStatus('rectifying'), { type: 'urge', message: '  请本周内报送整改进展  ' }, leader, at);
    if (!urged.ok) throw new Error('refused');
    expect(urged.value.state).toMatchObject({ status: 'rectifying', dueAt: fresh.dueAt, version: fresh.version + 1 });
    expect(urged.value.state.timeline.at(-1)).toMatchObject({ action: 'urge', actor: { userId: 'k', name: '组长' }, note: '请本周内报送整改进展' });
    expect(urged.value.effects).toEqual([
      {
        kind: 'notify',
        key: `urge:${at}`,
        unitId: 'water',
        audience: ['handlers', 'unit_leaders'],
        level: 'yellow',
        title: '催办：“饮水安全”',
        body: '组长催办：请本周内报送整改进展',
      },
    ]);
    expect(urgeCount(urged.value.state.timeline)).toBe(1);
    expect(urgeCount(fresh.timeline)).toBe(0);
  });

  it('needs a 催办 message of at most 200 characters', () => {
    expect(decide(inStatus('signed'), { type: 'urge', message: '   ' }, office, at)).toMatchObject({ ok: false, violation: { code: 'invalid_input', message: '催办内容不能为空' } });
    expect(decide(inStatus('signed'), { type: 'urge', message: '快'.repeat(201) }, office, at)).toMatchObject({
      ok: false,
      violation: { code: 'invalid_input', message: '催办内容不能超过200个字' },
    });
    expect(refusedWith(inStatus('signed'), { type: 'urge', message: '快'.repeat(200) }, office)).toBe('accepted');
  });

  it('keeps evidence references on the timeline entry of the step', () => {
    const evidence = [{ id: 'a1', filename: '现场照片.jpg', sha256: 'ab'.repeat(32), size: 1234 }];
    const decision = decide(inStatus('rectifying'), { type: 'reportProgress', summary: '已完成', evidence }, lead, at);
    expect(decision.ok && decision.value.state.timeline.at(-1)?.evidence).toEqual(evidence);
  });
});
