import type { NoticeColour } from './records.js';

export type NotifyAudience = 'handlers' | 'unit_leaders' | 'office' | 'leaders';

/** Something the process must do outside itself after a step; the workflow carries it out through activities. */
export type Effect =
  | {
      /** Record a three-colour supervision notice and send it. */
      readonly kind: 'notice';
      /** Unique within the item: the same notice is never issued twice. */
      readonly key: string;
      readonly colour: NoticeColour;
      readonly reason: string;
    }
  | {
      readonly kind: 'notify';
      readonly key: string;
      readonly unitId: string;
      readonly audience: readonly NotifyAudience[];
      readonly level: 'info' | NoticeColour;
      readonly title: string;
      readonly body: string;
      /**
       * The workflow change (patch id) that introduced this notification: runs whose history predates it replay
       * without it. Absent for notifications every run has always sent.
       */
      readonly since?: string;
    };

/** Who receives a notice of each colour: DOMAIN.md — the unit and its leader, and the office for red. */
export const NOTICE_AUDIENCE: Record<NoticeColour, readonly NotifyAudience[]> = {
  blue: ['handlers', 'unit_leaders'],
  yellow: ['handlers', 'unit_leaders'],
  red: ['handlers', 'unit_leaders', 'office'],
};

export const NOTICE_LABELS: Record<NoticeColour, string> = { blue: '蓝色督办单', yellow: '黄色督办单', red: '红色督办单' };
