import { HttpStatus } from '@nestjs/common';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { RULE_VIOLATION_FAILURE } from '@duban/contracts';
import type { RuleViolation } from '@duban/domain';
import { ApiError } from '../common/api-error.js';

/** Turns what the Temporal client throws for a refused or impossible step into the API's error. */
export function toApiError(error: unknown): unknown {
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause;
    if (cause instanceof ApplicationFailure && cause.type === RULE_VIOLATION_FAILURE) {
      const violation = cause.details?.[0] as RuleViolation | undefined;
      if (violation) return ApiError.fromViolation(violation);
    }
  }
  if (error instanceof WorkflowNotFoundError) {
    // The process has finished (closed item) or never existed; the caller checked that it exists.
    return new ApiError(HttpStatus.CONFLICT, 'invalid_state', '该问题已办结，不能再操作');
  }
  if (error instanceof WorkflowExecutionAlreadyStartedError) {
    return new ApiError(HttpStatus.CONFLICT, 'conflict', '该问题已经登记');
  }
  return error;
}
