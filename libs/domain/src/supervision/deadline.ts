import { addCalendarDays } from '../calendar/dates.js';
import { endOfShanghaiDay, shanghaiDate, startOfShanghaiDay } from '../time.js';
import type { Effect } from './effects.js';
import type { SupervisionPolicy } from './policy.js';
import type { Escalation } from './records.js';

/**
 * Deadline supervision shared by every supervised process (rectification items, task assignments):
 * the blue notice when the deadline nears, the red notice once it has passed, and the two-level
 * escalation ladder after it. Each process adds its own timers around these.
 */

/** A working-day shift for the calendar to answer (same shape as the calendar activity's query). */
export interface DayShift {
  readonly date: string;
  readonly offset: number;
}

export const shiftKey = (shift: DayShift) => `${shift.date}${shift.offset >= 0 ? '+' : ''}${shift.offset}`;

/** A step the process takes by itself at an instant, unless the state moves on first. */
export interface TimerEvent<K extends string = string> {
  /** Unique per occurrence: moving a deadline changes the key, so the moved timer fires again. */
  readonly key: string;
  readonly kind: K;
  readonly at: string;
}

export type DeadlineTimerKind = 'blueNotice' | 'overdue' | 'escalate1' | 'escalate2';

/** What deadline supervision reads from an item. */
export interface DeadlineSupervised {
  readonly title: string;
  readonly leadUnitId: string;
  /** The instant the item is due (end of its due day). */
  readonly dueAt: string;
  readonly policy: SupervisionPolicy;
  readonly escalation: Escalation;
  /** Keys of timer events already fired. */
  readonly fired: readonly string[];
}

/** Instants of the deadline ladder, answered by the working-day calendar. */
export interface DeadlineSchedule {
  readonly blueAt: string | null;
  readonly level1At: string | null;
  readonly level2At: string | null;
}

/**
 * How the blue instant is counted back from the due day. `workingDaysLeft`: from the end of the due day, so a due
 * day that is a rest day counts as the end of the working day before it and the policy's N working days remain when
 * the light turns blue. `dueDayShift`: N-1 working days before the due day itself, a working day late when the due
 * day is a rest day — kept only for items whose recorded histories asked the calendar that way.
 */
export type BlueReckoning = 'workingDaysLeft' | 'dueDayShift';

/** The calendar questions behind the ladder: blue N working days before the deadline (the due day included), escalation after it. */
export function deadlineShifts(policy: SupervisionPolicy, dueDate: string, blue: BlueReckoning = 'workingDaysLeft'): Record<keyof DeadlineSchedule, DayShift> {
  return {
    blueAt:
      blue === 'workingDaysLeft'
        ? { date: addCalendarDays(dueDate, 1), offset: -policy.blueWorkingDaysLeft }
        : { date: dueDate, offset: -(policy.blueWorkingDaysLeft - 1) },
    level1At: { date: dueDate, offset: policy.level1AfterWorkingDays },
    level2At: { date: dueDate, offset: policy.level2AfterWorkingDays },
  };
}

/** Deadline-day reminders go out at 09:00 Beijing time on the day a step falls due. */
const DEADLINE_DAY_REMINDER_HOUR = 9;

/**
 * When to remind a unit on the day a step falls due: 09:00 Beijing time on the day of `deadline`, or null when that is
 * not after `anchor` (the instant the step was asked for), so a step asked for that very morning is not reminded at once.
 */
export function deadlineDayMorning(deadline: string | null, anchor: string | null): string | null {
  if (!deadline || !anchor) return null;
  const at = new Date(Date.parse(startOfShanghaiDay(shanghaiDate(deadline))) + DEADLINE_DAY_REMINDER_HOUR * 3_600_000).toISOString();
  return at > anchor ? at : null;
}

/** The ladder's timers still ahead for a running item. */
export function deadlineTimers(item: DeadlineSupervised, schedule: DeadlineSchedule): TimerEvent<DeadlineTimerKind>[] {
  const events: TimerEvent<DeadlineTimerKind>[] = [];
  const add = (kind: DeadlineTimerKind, key: string, at: string | null) => {
    if (at && !item.fired.includes(key)) events.push({ kind, key, at });
  };
  add('blueNotice', `blue@${item.dueAt}`, schedule.blueAt);
  add('overdue', `overdue@${item.dueAt}`, new Date(Date.parse(item.dueAt) + 1).toISOString());
  if (item.escalation.level < 1) add('escalate1', `escalate1@${item.dueAt}`, schedule.level1At);
  if (item.escalation.level < 2) add('escalate2', `escalate2@${item.dueAt}`, schedule.level2At);
  return events;
}

/** How a process names its deadline in notices (整改时限 for rectification, 办理时限 for tasks). */
export interface DeadlineWording {
  readonly blue: (workingDaysLeft: number) => string;
  readonly red: string;
}

export const TASK_DEADLINE_WORDING: DeadlineWording = {
  blue: (days) => `距办理时限不足${days}个工作日`,
  red: '已超过办理时限仍未办结',
};

/** What a ladder timer does: a notice, or a climb of the escalation with word to the office and the leader. */
export function deadlineConsequences(
  item: DeadlineSupervised,
  event: TimerEvent<DeadlineTimerKind>,
  at: string,
  wording: DeadlineWording = TASK_DEADLINE_WORDING,
): { escalation?: Escalation; effects: Effect[] } {
  const escalate = (level: 1 | 2): Escalation => ({ level, since: at, accountability: item.escalation.accountability || level === 2, handled: null });
  switch (event.kind) {
    case 'blueNotice':
      return { effects: [{ kind: 'notice', key: event.key, colour: 'blue', reason: wording.blue(item.policy.blueWorkingDaysLeft) }] };
    case 'overdue':
      return { effects: [{ kind: 'notice', key: event.key, colour: 'red', reason: wording.red }] };
    case 'escalate1':
      return {
        escalation: escalate(1),
        effects: [
          {
            kind: 'notify',
            key: event.key,
            unitId: item.leadUnitId,
            audience: ['office', 'unit_leaders'],
            level: 'red',
            title: `“${item.title}”超期${item.policy.level1AfterWorkingDays}个工作日，升级督办`,
            body: '请领导小组办公室处理：催办、约谈或批准延期。',
          },
        ],
      };
    case 'escalate2':
      return {
        escalation: escalate(2),
        effects: [
          {
            kind: 'notify',
            key: event.key,
            unitId: item.leadUnitId,
            audience: ['leaders', 'office', 'unit_leaders'],
            level: 'red',
            title: `“${item.title}”超期${item.policy.level2AfterWorkingDays}个工作日，升级至分管领导`,
            body: '已列为问责线索。',
          },
        ],
      };
  }
}

/** The ladder's light: red once due has passed, blue from the blue instant; lagging (yellow) is the process's own judgement. */
export function deadlineLight(dueAt: string, blueAt: string | null, lagging: boolean, now: Date): 'green' | 'blue' | 'yellow' | 'red' {
  const t = now.getTime();
  if (t > Date.parse(dueAt)) return 'red';
  if (lagging) return 'yellow';
  if (blueAt && t >= Date.parse(blueAt)) return 'blue';
  return 'green';
}

/** The calendar questions a schedule still needs answered. */
export const neededShifts = (wanted: Readonly<Record<string, DayShift | null>>): DayShift[] =>
  Object.values(wanted).filter((shift): shift is DayShift => shift !== null);

/**
 * A schedule from the calendar's answers (keyed by `shiftKey`): each entry at the end of its answered day, or at its
 * start for the keys in `atStartOfDay` (the blue light comes on in the morning of its day).
 */
export function resolveSchedule<K extends string>(
  wanted: Readonly<Record<K, DayShift | null>>,
  answers: Readonly<Record<string, string>>,
  atStartOfDay: readonly NoInfer<K>[],
): Record<K, string | null> {
  const entries = (Object.entries(wanted) as [K, DayShift | null][]).map(([key, shift]): [K, string | null] => {
    if (!shift) return [key, null];
    const day = answers[shiftKey(shift)];
    if (!day) throw new Error(`calendar has not answered ${shiftKey(shift)}`);
    return [key, atStartOfDay.includes(key) ? startOfShanghaiDay(day) : endOfShanghaiDay(day)];
  });
  return Object.fromEntries(entries) as Record<K, string | null>;
}
