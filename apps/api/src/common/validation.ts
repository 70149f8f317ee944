import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiError } from './api-error.js';
import { HttpStatus } from '@nestjs/common';

interface FieldProblem {
  field: string;
  problems: string[];
}

/** Whitelisting validation: unknown fields and wrong types are refused with a 400 naming each field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const names = fields.map((f) => f.field).join('、');
      return new ApiError(HttpStatus.BAD_REQUEST, 'invalid_input', `输入不合法：${names}`, { fields });
    },
  });
}

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
