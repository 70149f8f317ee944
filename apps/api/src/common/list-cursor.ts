import { isCalendarDate, shanghaiDate } from '@duban/domain';
import type { ListPosition } from '@duban/persistence';
import { decodeCursor, encodeCursor, isInstant } from './paging.js';

/** The cursor of a due-ordered list (inbox, assignments): the last row's due day (Shanghai) and id. */
export const encodeListCursor = (position: ListPosition): string => encodeCursor([position.day, position.id]);

/** Reads a list cursor; one made before lists were ordered by due day (an instant) still resumes at its row. */
export function decodeListCursor(cursor: string): ListPosition {
  const [at, id] = decodeCursor(cursor, 2, ([first]) => isCalendarDate(first!) || isInstant(first!));
  return { day: isCalendarDate(at!) ? at! : shanghaiDate(at!), id: id! };
}
