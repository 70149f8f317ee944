import { Injectable, type ArgumentMetadata, type CallHandler, type ExecutionContext, type NestInterceptor, type PipeTransform } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Observable } from 'rxjs';
import { ApiError } from './api-error.js';
import { inputProblem, type InputProblem } from './input-screen.js';

const refusal = ({ field, problem }: InputProblem) => ApiError.badInput(field, `${field}: ${problem}`);

/**
 * After the JSON body parser: refuses, before any route sees them, bodies and query strings that carry absurd
 * nesting, prototype keys, lone surrogates or control characters (400 naming the field). Every route at once.
 */
export function screenRequestInput(): RequestHandler {
  return (request: Request, _response: Response, next: NextFunction) => {
    const problem = inputProblem(request.body) ?? inputProblem(request.query);
    next(problem ? refusal(problem) : undefined);
  };
}

/** Path parameters, checked like the rest of the input once the route has named them. */
@Injectable()
export class ScreenParamsPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param') return value;
    const problem = inputProblem(value, metadata.data ?? '');
    if (problem) throw refusal(problem);
    return value;
  }
}

/**
 * A route that declares no @Body() takes no body: anything but an absent body or `{}` is refused with a 400,
 * so a step such as `POST …/sign` cannot be sent fields (or `$`-operators) it would silently ignore.
 */
@Injectable()
export class BodylessRouteInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http' && !declaresBody(context) && carriesBody(context.switchToHttp().getRequest<Request>().body)) {
      throw ApiError.badInput('请求体', '请求体: 此操作不接受请求体（请不带请求体或只发送 {}）');
    }
    return next.handle();
  }
}

function declaresBody(context: ExecutionContext): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ?? {}) as Record<string, unknown>;
  const bodyTypes = new Set([String(RouteParamtypes.BODY), String(RouteParamtypes.RAW_BODY)]);
  return Object.keys(args).some((key) => bodyTypes.has(key.split(':')[0]!));
}

/** A parsed JSON body other than `{}` (multipart bodies are parsed later, by the route's own interceptor). */
function carriesBody(body: unknown): boolean {
  if (body === undefined) return false;
  return !(typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);
}
