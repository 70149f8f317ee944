import { HttpStatus } from '@nestjs/common';
import type { RuleViolation, RuleViolationCode } from '@duban/domain';

/** An error the API answers with on purpose; mapped to `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  static badInput(field: string, message: string): ApiError {
    return new ApiError(HttpStatus.BAD_REQUEST, 'invalid_input', message, { fields: [{ field, problems: [message] }] });
  }

  static notFound(what: string): ApiError {
    return new ApiError(HttpStatus.NOT_FOUND, 'not_found', `${what}不存在或无权查看`);
  }

  static fromViolation(violation: RuleViolation): ApiError {
    return new ApiError(VIOLATION_STATUS[violation.code], violation.code, violation.message, violation.details);
  }
}

const VIOLATION_STATUS: Record<RuleViolationCode, HttpStatus> = {
  invalid_state: HttpStatus.CONFLICT,
  not_permitted: HttpStatus.FORBIDDEN,
  invalid_input: HttpStatus.BAD_REQUEST,
};
