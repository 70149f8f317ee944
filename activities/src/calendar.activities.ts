import { ApplicationFailure } from '@temporalio/common';
import type { Connection } from 'mongoose';
import type { CalendarActivities } from '@duban/contracts';
import { InvalidWorkingDayQuery, loadCalendar, shiftWorkingDaysWith } from '@duban/calendar';

/** Working-day look-ups on the Asia/Shanghai calendar: admin overrides over the chinese-days package. */
export function createCalendarActivities(connection: Connection): CalendarActivities {
  return {
    async shiftWorkingDays(queries) {
      try {
        return await shiftWorkingDaysWith((from, to) => loadCalendar(connection, from, to), queries);
      } catch (error) {
        // A bad query or a calendar without working days stays wrong on retry; database errors are retried.
        if (error instanceof InvalidWorkingDayQuery || error instanceof RangeError) {
          throw ApplicationFailure.nonRetryable(error.message, error.name);
        }
        throw error;
      }
    },
  };
}
