/** A working-day shift on the Asia/Shanghai calendar (statutory holidays and make-up working days 调休). */
export interface WorkingDayQuery {
  /** A Shanghai calendar date, YYYY-MM-DD. */
  readonly date: string;
  /**
   * Working days to move: 0 gives `date` itself when it is a working day, else the next working day;
   * n > 0 the n-th working day after `date`; n < 0 the |n|-th working day before `date`.
   */
  readonly offset: number;
}

/** Calendar look-ups the workflows need; they run as activities because holiday data changes. */
export interface CalendarActivities {
  /** Answers each query with a Shanghai calendar date (YYYY-MM-DD), in the same order. */
  shiftWorkingDays(queries: readonly WorkingDayQuery[]): Promise<string[]>;
}
