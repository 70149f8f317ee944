import { describe, expect, it } from 'vitest';
import type { Actor } from '../actor.js';
import { decide, register } from './lifecycle.js';
import { shiftKey } from '../supervision/deadline.js';
import { buildSchedule, scheduleShifts } from './schedule.js';
import type { RectificationState } from './state.js';
import { fire, nextTimer, pendingTimers } from './timers.js';

const office: Actor = { userId: 'o', name: '办公室', unitId: 'office', roles: ['office'] };
const lead: Actor = { userId: 'l', name: '经办人', unitId: 'water', roles: ['unit'] };

/** A calendar where every day is a working day: shifts are plain day arithmetic. */
const everyDayWorks = (state: RectificationState) =>
  Object.fromEntries(
    scheduleShifts(state).map((s) => {
      const d = new Date(`${s.date}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + s.offset);
      return [shiftKey(s), d.toISOString().slice(0, 10)];
    }),
  );
const scheduled = (state: RectificationState) => ({ ...state, schedule: buildSchedule(state, everyDayWorks(state)) });

const item = scheduled(
  register(
    {
      id: 'r1',
      title: '饮水安全',
      description: 'd',
      source: 'self_inspection',
      category: 'drinking_water',
      severity: 'general',
      leadUnitId: 'water',
      coUnitIds: [],
      dueAt: '2026-12-10T15:59:59.999Z',
    },
    office,
    '2026-11-22T02:00:00.000Z',
  ),
);

describe('schedule', () => {
  it('derives every deadline of a new item from its registration, due date and policy', () => {
    expect(item.schedule).toEqual({
      signInBy: '2026-11-23T15:59:59.999Z', // 1 working day
      planBy: null,
      blueAt: '2026-12-07T16:00:00.000Z', // 3 working days left: 12-08, 12-09, 12-10
      level1At: '2026-12-13T15:59:59.999Z', // due + 3
      level2At: '2026-12-20T15:59:59.999Z', // due + 10
      nextProgressDue: null,
    });
  });

  it('asks for the progress due date one month after plan approval and after each report', () => {
    const rectifying = { ...item, status: 'rectifying' as const, plan: { measures: 'm', targetDate: '2026-12-01', responsiblePerson: 'p', evidence: [], submittedAt: '', submittedBy: lead, approvedAt: '2026-11-25T02:00:00.000Z' } };
    expect(scheduled(rectifying).schedule.nextProgressDue).toBe('2026-12-25T15:59:59.999Z');
    const reported = { ...rectifying, lastProgress: { summary: 's', evidence: [], at: '2027-01-31T02:00:00.000Z', by: lead } };
    expect(scheduled(reported).schedule.nextProgressDue).toBe('2027-02-28T15:59:59.999Z');
  });

  it('refuses to build a schedule the calendar has not answered', () => {
    expect(() => buildSchedule(item, {})).toThrow('calendar has not answered');
  });
});

describe('timers', () => {
  it('waits for sign-in, blue, overdue, level 1 and level 2 in time order while nobody acts', () => {
    expect(pendingTimers(item).map((t) => [t.kind, t.at])).toEqual([
      ['signInReminder', '2026-11-23T15:59:59.999Z'],
      ['blueNotice', '2026-12-07T16:00:00.000Z'],
      ['overdue', '2026-12-10T16:00:00.000Z'],
      ['escalate1', '2026-12-13T15:59:59.999Z'],
      ['escalate2', '2026-12-20T15:59:59.999Z'],
    ]);
  });

  it('fires each timer once, with its effects, in order', () => {
    let state: RectificationState = item;
    const kinds: string[] = [];
    const effects: string[] = [];
    for (let timer = nextTimer(state); timer; timer = nextTimer(state)) {
      const result = fire(state, timer, timer.at);
      state = result.state;
      kinds.push(timer.kind);
      effects.push(...result.effects.map((e) => (e.kind === 'notice' ? `notice:${e.colour}` : `notify:${e.audience.join('+')}`)));
    }
    expect(kinds).toEqual(['signInReminder', 'blueNotice', 'overdue', 'escalate1', 'escalate2']);
    expect(effects).toEqual(['notify:handlers+unit_leaders', 'notice:blue', 'notice:red', 'notify:office+unit_leaders', 'notify:leaders+office+unit_leaders']);
    expect(state.escalation).toMatchObject({ level: 2, accountability: true, since: '2026-12-20T15:59:59.999Z' });
    expect(state.timeline.filter((e) => e.actor === null)).toHaveLength(5);
  });

  it('drops the sign-in reminder once signed, and re-arms notices when an extension moves the deadline', () => {
    const signed = decide(item, { type: 'sign' }, lead, '2026-11-22T03:00:00.000Z');
    if (!signed.ok) throw new Error('refused');
    const afterSign = scheduled(signed.value.state);
    expect(pendingTimers(afterSign).map((t) => t.kind)).toEqual(['planReminder', 'blueNotice', 'overdue', 'escalate1', 'escalate2']);

    const blue = fire(afterSign, nextTimer({ ...afterSign, status: 'rectifying' })!, '2026-12-07T16:00:00.000Z').state;
    const moved = scheduled({ ...blue, status: 'rectifying', dueAt: '2027-01-10T15:59:59.999Z' });
    expect(pendingTimers(moved).map((t) => [t.kind, t.at])).toContainEqual(['blueNotice', '2027-01-07T16:00:00.000Z']);
  });

  it('stops deadline timers while deferred but keeps the review reminder', () => {
    const deferred = {
      ...item,
      status: 'deferred' as const,
      deferral: { reason: 'r', reviewDate: '2027-03-01', filedAt: '2026-11-25T02:00:00.000Z', filedBy: office, resumeStatus: 'rectifying' as const },
    };
    expect(pendingTimers(scheduled(deferred)).map((t) => [t.kind, t.at])).toEqual([['deferralReview', '2027-02-28T16:00:00.000Z']]);
  });
});
