import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { HttpStatus } from '@nestjs/common';
import { hasRole, type Actor, type Role } from '@duban/domain';
import type { Request } from 'express';
import { ApiError } from '../common/api-error.js';
import { PUBLIC_ROUTE, REQUIRED_ROLES } from '../common/actor.decorator.js';
import type { AccessTokenClaims } from './auth.service.js';

/** Every route needs a valid bearer token unless marked @Public(); @Roles() narrows who may call it. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(JwtService) private readonly jwt: JwtService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const actor = await this.authenticate(request);
    request.actor = actor;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles && !hasRole(actor, ...roles)) throw new ApiError(HttpStatus.FORBIDDEN, 'forbidden', '当前角色无权执行此操作');
    return true;
  }

  private async authenticate(request: Request): Promise<Actor> {
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', '请先登录');
    try {
      const claims = await this.jwt.verifyAsync<AccessTokenClaims>(token);
      return { userId: claims.sub, name: claims.name, unitId: claims.unitId, roles: claims.roles };
    } catch {
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', '登录已失效，请重新登录');
    }
  }
}
