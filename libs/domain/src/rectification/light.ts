import type { RectificationState } from './state.js';

/** 亮灯: green on track, blue near the deadline, yellow lagging, red overdue; none once closed. */
export const LIGHTS = ['green', 'blue', 'yellow', 'red'] as const;
export type Light = (typeof LIGHTS)[number];

export const LIGHT_LABELS: Record<Light, string> = { green: '绿灯', blue: '蓝灯', yellow: '黄灯', red: '红灯' };

export interface LightPolicy {
  /** How long before the due instant the light turns blue. */
  readonly blueBeforeMs: number;
}

export const DEFAULT_LIGHT_POLICY: LightPolicy = { blueBeforeMs: 3 * 24 * 3600 * 1000 };

export function light(
  state: Pick<RectificationState, 'status' | 'dueAt'>,
  now: Date,
  policy: LightPolicy = DEFAULT_LIGHT_POLICY,
): Light | null {
  if (state.status === 'closed') return null;
  const due = Date.parse(state.dueAt);
  if (now.getTime() > due) return 'red';
  if (due - now.getTime() <= policy.blueBeforeMs) return 'blue';
  return 'green';
}
