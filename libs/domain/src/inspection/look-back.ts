/**
 * A failed look-back (回头看未通过, 整改不到位) as its item keeps it. One per look-back: recording a check again
 * (a retry after a partial failure) finds it and adds none. `afterSeq` is the item's last timeline entry when the
 * failure was marked, so the reopening this look-back caused is a `reopen` after it.
 */
export interface LookBackFailureMark {
  readonly at: string;
  readonly lookBackId: string;
  readonly note: string;
  readonly afterSeq: number;
}

/** The last timeline entry's number (0 for none): where a new failure mark starts looking for its reopening. */
export function lastTimelineSeq(timeline: readonly { readonly seq: number }[]): number {
  return timeline.reduce((last, entry) => Math.max(last, entry.seq), 0);
}

/** Whether the item was reopened after the mark was written: a retried check then finishes without reopening again. */
export function reopenedSince(timeline: readonly { readonly seq: number; readonly action: string }[], mark: Pick<LookBackFailureMark, 'afterSeq'>): boolean {
  return timeline.some((entry) => entry.action === 'reopen' && entry.seq > mark.afterSeq);
}

/** How many look-backs failed the item within a period (by the time each failure was recorded), each look-back once. */
export function lookBackFailuresWithin(marks: readonly Pick<LookBackFailureMark, 'at' | 'lookBackId'>[] | undefined, inPeriod: (at: string) => boolean): number {
  return new Set((marks ?? []).filter((mark) => inPeriod(mark.at)).map((mark) => mark.lookBackId)).size;
}
