/** Why a command was refused. Codes are stable and mapped to HTTP statuses in one place (apps/api). */
export type RuleViolationCode =
  | 'invalid_state' // the step is not allowed in the item's current status → 409
  | 'not_permitted' // the actor's role or unit may not take this step → 403
  | 'invalid_input'; // the command's content breaks a rule → 400

export interface RuleViolation {
  readonly code: RuleViolationCode;
  /** zh-CN, shown to the user as is. */
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

export function violation(code: RuleViolationCode, message: string, details?: Record<string, unknown>): RuleViolation {
  return details ? { code, message, details } : { code, message };
}

export type Decision<T> = { ok: true; value: T } | { ok: false; violation: RuleViolation };

export const accept = <T>(value: T): Decision<T> => ({ ok: true, value });
export const refuse = <T = never>(v: RuleViolation): Decision<T> => ({ ok: false, violation: v });
