import { HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { hasRole, type Actor, type Role } from '@duban/domain';
import type { Request } from 'express';
import { ApiError } from '../common/api-error.js';
import { ALLOW_RESTRICTED, HIDDEN_FROM_OTHER_ROLES, PUBLIC_ROUTE, REQUIRED_ROLES } from '../common/actor.decorator.js';
import { CLOCK, type Clock } from '../infrastructure/tokens.js';
import { AuthService, type AccessTokenClaims, type Restriction } from './auth.service.js';

const RESTRICTION_ERRORS: Record<Restriction, [string, string]> = {
  password_change: ['password_change_required', '请先修改初始密码'],
  totp_enrollment: ['totp_enrollment_required', '当前角色须启用动态验证码（双因素认证），请先完成绑定'],
};

/**
 * Every route needs a valid bearer token of a live session unless marked @Public(); @Roles() narrows
 * who may call it. A session that must change its password or enrol a second factor reaches only
 * routes marked @AllowRestricted().
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { actor?: Actor; sessionId?: string }>();
    const claims = await this.verify(request);
    const { actor, restrictions } = await this.auth.authenticate(claims);
    request.actor = actor;
    request.sessionId = claims.sid;

    const [restriction] = restrictions;
    if (restriction && !this.reflector.getAllAndOverride<boolean>(ALLOW_RESTRICTED, targets)) {
      const [code, message] = RESTRICTION_ERRORS[restriction];
      throw new ApiError(HttpStatus.FORBIDDEN, code, message);
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles && !hasRole(actor, ...roles)) {
      if (this.reflector.getAllAndOverride<boolean>(HIDDEN_FROM_OTHER_ROLES, targets)) throw ApiError.notFound('请求的资源');
      throw new ApiError(HttpStatus.FORBIDDEN, 'forbidden', '当前角色无权执行此操作');
    }
    return true;
  }

  private async verify(request: Request): Promise<AccessTokenClaims> {
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', '请先登录');
    try {
      const claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, { clockTimestamp: Math.floor(this.clock.now().getTime() / 1000) });
      if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string') throw new Error('claims');
      return claims;
    } catch {
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', '登录已失效，请重新登录');
    }
  }
}
