import { deadlineLight } from '../supervision/deadline.js';
import type { RectificationState } from './state.js';
import { RUNNING_STATUSES } from './vocabulary.js';

/** 亮灯: green on track, blue near the deadline, yellow lagging or poor quality, red overdue; none when not running. */
export const LIGHTS = ['green', 'blue', 'yellow', 'red'] as const;
export type Light = (typeof LIGHTS)[number];

export const LIGHT_LABELS: Record<Light, string> = { green: '绿灯', blue: '蓝灯', yellow: '黄灯', red: '红灯' };

type LightInputs = Pick<RectificationState, 'status' | 'dueAt' | 'missedProgress' | 'returns' | 'policy' | 'schedule'>;

/** Yellow comes from the process, not the clock: a missed progress report, or returns up to the policy's limit. */
export const isLagging = (state: Pick<RectificationState, 'missedProgress' | 'returns' | 'policy'>): boolean =>
  state.missedProgress || state.returns >= state.policy.yellowAfterReturns;

export function light(state: LightInputs, now: Date): Light | null {
  if (!RUNNING_STATUSES.includes(state.status)) return null;
  return deadlineLight(state.dueAt, state.schedule.blueAt, isLagging(state), now);
}
