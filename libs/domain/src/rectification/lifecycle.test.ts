import { describe, expect, it } from 'vitest';
import type { Actor } from '../actor.js';
import { allowedActions, decide, register } from './lifecycle.js';
import type { RectificationCommand, RectificationState } from './state.js';
import { STATUSES, type Status } from './vocabulary.js';

const at = '2026-11-22T02:00:00.000Z';
const office: Actor = { userId: 'o', name: '办公室', unitId: 'office', roles: ['office'] };
const lead: Actor = { userId: 'l', name: '牵头单位经办人', unitId: 'water', roles: ['unit'] };
const leadBoss: Actor = { userId: 'lb', name: '牵头单位负责人', unitId: 'water', roles: ['unit_leader'] };
const coUnit: Actor = { userId: 'c', name: '配合单位', unitId: 'town-a', roles: ['unit'] };
const other: Actor = { userId: 'x', name: '无关单位', unitId: 'health', roles: ['unit'] };
const leader: Actor = { userId: 'k', name: '组长', unitId: 'county', roles: ['leader'] };
const sysadmin: Actor = { userId: 's', name: '系统管理员', unitId: 'water', roles: ['sysadmin'] };
const actors = { office, lead, leadBoss, coUnit, other, leader, sysadmin };

const commands: Record<RectificationCommand['type'], RectificationCommand> = {
  sign: { type: 'sign' },
  submitCompletion: { type: 'submitCompletion', summary: '已整改' },
  returnCompletion: { type: 'returnCompletion', reason: '佐证材料不全' },
  signOff: { type: 'signOff' },
};

const fresh = register(
  {
    id: 'r1',
    title: 't',
    description: 'd',
    source: 'self_inspection',
    category: 'housing',
    severity: 'general',
    leadUnitId: 'water',
    coUnitIds: ['town-a'],
    dueAt: '2026-12-31T15:59:59.999Z',
  },
  office,
  at,
);
const inStatus = (status: Status): RectificationState => ({ ...fresh, status });

/** The whole table: which (status, action, actor) is accepted and where it leads. Everything else is refused. */
const ACCEPTED: Record<string, Status> = {
  'assigned/sign/lead': 'signed',
  'assigned/sign/leadBoss': 'signed',
  'signed/submitCompletion/lead': 'completion_submitted',
  'signed/submitCompletion/leadBoss': 'completion_submitted',
  'completion_submitted/returnCompletion/office': 'signed',
  'completion_submitted/signOff/office': 'closed',
};

describe('decide', () => {
  for (const status of STATUSES) {
    for (const [action, command] of Object.entries(commands)) {
      for (const [who, actor] of Object.entries(actors)) {
        const key = `${status}/${action}/${who}`;
        it(`${key} → ${ACCEPTED[key] ?? 'refused'}`, () => {
          const decision = decide(inStatus(status), command, actor, at);
          if (ACCEPTED[key]) {
            expect(decision.ok).toBe(true);
            if (decision.ok) expect(decision.value.status).toBe(ACCEPTED[key]);
          } else {
            expect(decision.ok).toBe(false);
          }
        });
      }
    }
  }

  it('refuses a wrong status before a wrong actor, so the message says what is wrong with the item', () => {
    const decision = decide(inStatus('closed'), commands.sign, other, at);
    expect(decision).toEqual({
      ok: false,
      violation: { code: 'invalid_state', message: '当前状态为“已验收销号”，不能签收', details: { status: 'closed', action: 'sign' } },
    });
  });

  it('records who did what, when, before and after, and bumps the version', () => {
    const decision = decide(fresh, commands.sign, lead, '2026-11-23T01:00:00.000Z');
    expect(decision.ok && decision.value).toMatchObject({
      version: 2,
      timeline: [
        { seq: 1, action: 'register', toStatus: 'assigned' },
        { seq: 2, at: '2026-11-23T01:00:00.000Z', action: 'sign', actor: { userId: 'l', unitId: 'water' }, fromStatus: 'assigned', toStatus: 'signed' },
      ],
    });
  });

  it('refuses blank completion text and blank return reasons as invalid input', () => {
    expect(decide(inStatus('signed'), { type: 'submitCompletion', summary: '  ' }, lead, at)).toMatchObject({ ok: false, violation: { code: 'invalid_input' } });
    expect(decide(inStatus('completion_submitted'), { type: 'returnCompletion', reason: '' }, office, at)).toMatchObject({ ok: false, violation: { code: 'invalid_input' } });
  });

  it('clears the completion when it is returned, and keeps it when signed off', () => {
    const submitted = decide(inStatus('signed'), commands.submitCompletion, lead, at);
    if (!submitted.ok) throw new Error('expected acceptance');
    expect(submitted.value.completion?.summary).toBe('已整改');
    const returned = decide(submitted.value, commands.returnCompletion, office, at);
    expect(returned.ok && returned.value.completion).toBeNull();
    const closed = decide(submitted.value, commands.signOff, office, at);
    expect(closed.ok && closed.value).toMatchObject({ closedAt: at, completion: { summary: '已整改' } });
  });
});

describe('allowedActions', () => {
  it('agrees with decide for every status and actor', () => {
    for (const status of STATUSES) {
      for (const actor of Object.values(actors)) {
        const allowed = allowedActions(inStatus(status), actor);
        const accepted = Object.values(commands)
          .filter((c) => decide(inStatus(status), c, actor, at).ok)
          .map((c) => c.type);
        expect(allowed).toEqual(accepted);
      }
    }
  });
});
