import { describe, expect, it } from 'vitest';
import { lastTimelineSeq, lookBackFailuresWithin, reopenedSince } from './index.js';

const closedTimeline = [
  { seq: 1, action: 'register' },
  { seq: 2, action: 'sign' },
  { seq: 7, action: 'signOff' },
];

describe('look-back failure marks', () => {
  it('start after the last timeline entry', () => {
    expect(lastTimelineSeq(closedTimeline)).toBe(7);
    expect(lastTimelineSeq([])).toBe(0);
  });

  it('see only a reopening after the mark as this look-back’s', () => {
    const mark = { afterSeq: lastTimelineSeq(closedTimeline) };
    expect(reopenedSince(closedTimeline, mark)).toBe(false);
    // An earlier look-back's reopening, before this mark, is not this one's.
    expect(reopenedSince([{ seq: 3, action: 'reopen' }, ...closedTimeline], mark)).toBe(false);
    expect(reopenedSince([...closedTimeline, { seq: 8, action: 'reopen' }], mark)).toBe(true);
    // Reopened, rectified and closed again: still reopened by it.
    expect(reopenedSince([...closedTimeline, { seq: 8, action: 'reopen' }, { seq: 9, action: 'completion' }, { seq: 10, action: 'signOff' }], mark)).toBe(true);
  });

  it('count each look-back once, within the period', () => {
    const inPeriod = (at: string) => at >= '2026-07-01' && at < '2026-10-01';
    const marks = [
      { at: '2026-07-02T01:00:00.000Z', lookBackId: 'a' },
      { at: '2026-07-02T01:00:01.000Z', lookBackId: 'a' },
      { at: '2026-08-02T01:00:00.000Z', lookBackId: 'b' },
      { at: '2026-11-02T01:00:00.000Z', lookBackId: 'c' },
    ];
    expect(lookBackFailuresWithin(marks, inPeriod)).toBe(2);
    expect(lookBackFailuresWithin(undefined, inPeriod)).toBe(0);
  });
});
