import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Actor, Role } from '@duban/domain';

/** The authenticated user, set by the auth guard. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  return context.switchToHttp().getRequest<{ actor: Actor }>().actor;
});

export const PUBLIC_ROUTE = 'duban:public';
/** Marks a route that needs no token (login, health, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

export const REQUIRED_ROLES = 'duban:roles';
/** Only users holding one of these roles may call the route. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

export const HIDDEN_FROM_OTHER_ROLES = 'duban:hidden-from-other-roles';
/**
 * For confidential contexts (暗访 before publication): callers outside @Roles get the 404 of something that
 * does not exist, not a 403 that would confirm it does.
 */
export const HiddenFromOtherRoles = () => SetMetadata(HIDDEN_FROM_OTHER_ROLES, true);

export const ALLOW_RESTRICTED = 'duban:allow-restricted';
/** Reachable by a session that must first change its password or enrol a second factor. */
export const AllowRestricted = () => SetMetadata(ALLOW_RESTRICTED, true);

/** The session id of the authenticated request (for logout). */
export const CurrentSession = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  return context.switchToHttp().getRequest<{ sessionId: string }>().sessionId;
});
