import { isISO8601, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { isSupportedDate, isSupportedMonth, isSupportedYear, SUPPORTED_YEARS } from '@duban/domain';

const YEARS = `${SUPPORTED_YEARS.first}–${SUPPORTED_YEARS.last} 年间`;

/** Every date a request carries (YYYY-MM-DD): a real day within the years the system serves. */
@ValidatorConstraint({ name: 'calendarDate' })
export class CalendarDateConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isSupportedDate(value);
  }
  defaultMessage(): string {
    return `$property 须为${YEARS}的日期（YYYY-MM-DD）`;
  }
}

/** Every month a request carries (YYYY-MM), within the years the system serves. */
@ValidatorConstraint({ name: 'calendarMonth' })
export class CalendarMonthConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isSupportedMonth(value);
  }
  defaultMessage(): string {
    return `$property 须为${YEARS}的月份（YYYY-MM）`;
  }
}

/** A strict ISO 8601 date or date-time (as class-validator's IsISO8601 reads it) within the years the system serves. */
export const isSupportedInstant = (value: string): boolean =>
  isISO8601(value, { strict: true }) && /^\d{4}-/.test(value) && isSupportedYear(Number(value.slice(0, 4))) && !Number.isNaN(Date.parse(value));

@ValidatorConstraint({ name: 'instant' })
export class InstantConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isSupportedInstant(value);
  }
  defaultMessage(): string {
    return `$property 须为${YEARS}的 ISO 8601 时刻（如 2026-05-01T08:00:00+08:00）`;
  }
}
