import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import bcrypt from 'bcryptjs';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Connection } from 'mongoose';
import { ROLES, passwordProblems, type Actor, type Role } from '@duban/domain';
import {
  SessionRepository,
  SettingsRepository,
  UserRepository,
  UserSecurityRepository,
  type UserRecord,
  type UserSecurityRecord,
} from '@duban/persistence';
import { AuditLog } from '../audit/audit-log.service.js';
import { ApiError } from '../common/api-error.js';
import { CLOCK, DATABASE, type Clock } from '../infrastructure/tokens.js';
import { AUTH_RULES } from './auth-settings.js';
import { LoginRateLimit } from './login-rate-limit.js';
import { newTotpSecret, totpStep, totpUri } from './totp.js';

/** What an access token carries: who and which session; everything else is read fresh per request. */
export interface AccessTokenClaims {
  sub: string;
  sid: string;
  iat?: number;
  exp?: number;
}

/** Where a request came from, for sessions and the audit trail. */
export interface RequestOrigin {
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly requestId?: string;
}

/** A session that may only change its password or enrol a second factor until it does. */
export type Restriction = 'password_change' | 'totp_enrollment';

/** What re-binding an enabled second factor must show: the current password or a current code (either). */
export interface TotpRebindProof {
  readonly currentPassword?: string;
  readonly code?: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface LoginResult extends TokenPair {
  user: { id: string; username: string; name: string; unitId: string; roles: Role[]; mustChangePassword: boolean; totpEnabled: boolean };
  restrictions: Restriction[];
}

const TOTP_POLICY_KEY = 'auth.totpRequiredRoles';
const UNKNOWN_USER_HASH = bcrypt.hashSync('no such user', 10);
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * The one answer for an unknown username, a wrong password, a disabled user and a locked account: telling
 * them apart would tell which usernames exist. The message says a lockout may be the reason.
 */
const invalidCredentials = () =>
  new ApiError(
    HttpStatus.UNAUTHORIZED,
    'invalid_credentials',
    `用户名或密码错误；连续 ${AUTH_RULES.lockAfterFailures} 次登录失败后账户将锁定 ${AUTH_RULES.lockSeconds / 60} 分钟`,
  );
const sessionEnded = (message = '登录已失效，请重新登录') => new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', message);

@Injectable()
export class AuthService {
  private readonly users: UserRepository;
  private readonly security: UserSecurityRepository;
  private readonly sessions: SessionRepository;
  private readonly settings: SettingsRepository;
  private readonly rateLimit = new LoginRateLimit(AUTH_RULES.loginAttemptsPerMinute);
  private policyCache: { roles: Role[]; until: number } | null = null;

  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {
    this.users = new UserRepository(database);
    this.security = new UserSecurityRepository(database);
    this.sessions = new SessionRepository(database);
    this.settings = new SettingsRepository(database);
  }

  async login(input: { username: string; password: string; totp?: string }, origin: RequestOrigin): Promise<LoginResult> {
    const now = this.clock.now();
    const record = (result: 'success' | 'failure' | 'refused', status: number, details: Record<string, unknown>, actor?: Actor) =>
      this.audit.record({ action: 'auth.login', result, status, username: input.username, ...(actor ? { actor } : {}), ...auditOrigin(origin), details });

    if (!this.rateLimit.allow(origin.ip ?? 'unknown', now.getTime())) {
      await record('refused', 429, { reason: 'rate_limited' });
      throw new ApiError(HttpStatus.TOO_MANY_REQUESTS, 'too_many_requests', '登录尝试过于频繁，请稍后再试');
    }
    const user = await this.users.findByUsername(input.username);
    if (!user) {
      await bcrypt.compare(input.password, UNKNOWN_USER_HASH); // same time as for a real user
      await record('failure', 401, { reason: 'unknown_user' });
      throw invalidCredentials();
    }
    const security = await this.security.get(user._id);
    if (security.lockedUntil && security.lockedUntil > now) {
      await bcrypt.compare(input.password, user.passwordHash); // same work, same time as any other failure
      await record('refused', 401, { reason: 'locked', lockedUntil: security.lockedUntil.toISOString() });
      throw invalidCredentials();
    }
    if (!(await bcrypt.compare(input.password, user.passwordHash))) {
      await this.countFailure(user, now, origin);
      await record('failure', 401, { reason: 'wrong_password' });
      throw invalidCredentials();
    }
    if (user.disabled) {
      await record('refused', 401, { reason: 'disabled' });
      throw invalidCredentials();
    }
    if (security.totpSecret) {
      if (!input.totp) {
        await record('refused', 401, { reason: 'totp_required' });
        throw new ApiError(HttpStatus.UNAUTHORIZED, 'totp_required', '请输入动态验证码');
      }
      const step = totpStep(security.totpSecret, user.username, input.totp, now);
      if (step === null || (security.totpLastStep !== null && step <= security.totpLastStep)) {
        await this.countFailure(user, now, origin);
        await record('failure', 401, { reason: 'wrong_totp' });
        throw new ApiError(HttpStatus.UNAUTHORIZED, 'invalid_totp', '动态验证码错误');
      }
      await this.security.update(user._id, { totpLastStep: step });
    }
    await this.security.update(user._id, { failedLogins: 0, lockedUntil: null });
    const tokens = await this.openSession(user, origin, now);
    await record('success', 200, {}, actorOf(user));
    return { ...tokens, user: this.profile(user, security.totpSecret !== null), restrictions: await this.restrictions(user) };
  }

  async refresh(refreshToken: string, origin: RequestOrigin): Promise<TokenPair> {
    const now = this.clock.now();
    const [sid, secret] = refreshToken.split('.');
    const session = sid && secret ? await this.sessions.findById(sid) : null;
    const fail = async (reason: string) => {
      await this.audit.record({ action: 'auth.refresh', result: 'refused', status: 401, ...(session ? { target: session.userId } : {}), ...auditOrigin(origin), details: { reason } });
      return sessionEnded();
    };
    if (!session || !secret || !this.sessionUsable(session, now)) throw await fail('session_ended');
    if (!safeEqual(session.refreshHash, sha256(secret))) {
      // An old refresh token came back: someone may hold a copy. End the session for both.
      await this.sessions.revoke(session._id, now, 'refresh_token_reused');
      throw await fail('refresh_token_reused');
    }
    const user = await this.users.findById(session.userId);
    if (!user || !this.userStillValid(user, session)) throw await fail('user_changed');
    const nextSecret = randomBytes(32).toString('base64url');
    if (!(await this.sessions.rotate(session._id, session.refreshHash, sha256(nextSecret), now))) throw await fail('concurrent_refresh');
    return this.tokens(user._id, session._id, nextSecret, now);
  }

  async logout(actor: Actor, sessionId: string, origin: RequestOrigin): Promise<void> {
    await this.sessions.revoke(sessionId, this.clock.now(), 'logout');
    await this.audit.record({ action: 'auth.logout', result: 'success', status: 204, actor, ...auditOrigin(origin) });
  }

  async changePassword(actor: Actor, current: string, next: string, origin: RequestOrigin): Promise<LoginResult> {
    const now = this.clock.now();
    const user = await this.users.findById(actor.userId);
    if (!user) throw sessionEnded();
    const refuse = async (field: string, message: string) => {
      await this.audit.record({ action: 'auth.password', result: 'refused', status: 400, actor, ...auditOrigin(origin), details: { field } });
      return ApiError.badInput(field, `${field}: ${message}`);
    };
    if (!(await bcrypt.compare(current, user.passwordHash))) throw await refuse('currentPassword', '当前密码不正确');
    const problems = passwordProblems(next, user.username);
    if (problems.length > 0) throw await refuse('newPassword', problems.join('；'));
    if (await bcrypt.compare(next, user.passwordHash)) throw await refuse('newPassword', '新密码不能与当前密码相同');

    await this.users.setPasswordHash(user._id, await bcrypt.hash(next, 10), false);
    await this.security.update(user._id, { passwordChangedAt: now });
    await this.sessions.revokeAllForUser(user._id, now, 'password_changed');
    await this.audit.record({ action: 'auth.password', result: 'success', status: 200, actor, ...auditOrigin(origin) });
    const updated = { ...user, mustChangePassword: false };
    const security = await this.security.get(user._id);
    return {
      ...(await this.openSession(updated, origin, now)),
      user: this.profile(updated, security.totpSecret !== null),
      restrictions: await this.restrictions(updated),
    };
  }

  /**
   * Step 1 of enrolment: a new secret for the authenticator app, kept pending until a code proves it.
   * Replacing a second factor already enabled needs the current password or a current code: a session
   * alone (a stolen token, an unlocked screen) must not be able to move the second factor elsewhere.
   */
  async setupTotp(actor: Actor, proof: TotpRebindProof, origin: RequestOrigin): Promise<{ secret: string; otpauthUri: string }> {
    const user = await this.users.findById(actor.userId);
    if (!user) throw sessionEnded();
    const security = await this.security.get(user._id);
    if (security.totpSecret) await this.checkRebindProof(user, security, proof, origin);
    const secret = newTotpSecret();
    await this.security.update(user._id, { totpPendingSecret: secret });
    return { secret, otpauthUri: totpUri(secret, user.username) };
  }

  private async checkRebindProof(user: UserRecord, security: UserSecurityRecord, proof: TotpRebindProof, origin: RequestOrigin): Promise<void> {
    const now = this.clock.now();
    const refuse = async (field: 'currentPassword' | 'code', message: string, reason: string) => {
      await this.audit.record({ action: 'auth.totp.setup', result: 'refused', status: 400, actor: actorOf(user), ...auditOrigin(origin), details: { reason } });
      return ApiError.badInput(field, `${field}: ${message}`);
    };
    if (security.lockedUntil && security.lockedUntil > now) throw await refuse('currentPassword', '连续验证失败次数过多，请稍后再试', 'locked');
    if (proof.currentPassword !== undefined) {
      if (await bcrypt.compare(proof.currentPassword, user.passwordHash)) return;
      await this.countFailure(user, now, origin);
      throw await refuse('currentPassword', '当前密码不正确', 'wrong_password');
    }
    if (proof.code !== undefined) {
      const step = totpStep(security.totpSecret!, user.username, proof.code, now);
      if (step !== null && (security.totpLastStep === null || step > security.totpLastStep)) {
        await this.security.update(user._id, { totpLastStep: step });
        return;
      }
      await this.countFailure(user, now, origin);
      throw await refuse('code', '动态验证码错误', 'wrong_totp');
    }
    throw await refuse('currentPassword', '已启用动态验证码，更换绑定须输入当前密码或当前动态验证码', 'proof_missing');
  }

  async enableTotp(actor: Actor, code: string, origin: RequestOrigin): Promise<{ totpEnabled: true }> {
    const user = await this.users.findById(actor.userId);
    const security = await this.security.get(actor.userId);
    const step = user && security.totpPendingSecret ? totpStep(security.totpPendingSecret, user.username, code, this.clock.now()) : null;
    if (!user || step === null) {
      await this.audit.record({ action: 'auth.totp.enable', result: 'refused', status: 400, actor, ...auditOrigin(origin) });
      throw ApiError.badInput('code', 'code: 动态验证码错误，请确认手机时间准确后重试');
    }
    await this.security.update(actor.userId, { totpSecret: security.totpPendingSecret, totpPendingSecret: null, totpLastStep: step });
    await this.audit.record({ action: 'auth.totp.enable', result: 'success', status: 200, actor, ...auditOrigin(origin) });
    return { totpEnabled: true };
  }

  async totpRequiredRoles(): Promise<Role[]> {
    const now = Date.now();
    if (this.policyCache && this.policyCache.until > now) return this.policyCache.roles;
    const stored = await this.settings.get(TOTP_POLICY_KEY);
    const roles = stored ? (JSON.parse(stored) as Role[]).filter((r) => ROLES.includes(r)) : [];
    this.policyCache = { roles, until: now + 10_000 };
    return roles;
  }

  async setTotpRequiredRoles(roles: Role[], actor: Actor, origin: RequestOrigin): Promise<{ totpRequiredRoles: Role[] }> {
    await this.settings.set(TOTP_POLICY_KEY, JSON.stringify(roles));
    this.policyCache = null;
    await this.audit.record({ action: 'auth.policy', result: 'success', status: 200, actor, ...auditOrigin(origin), details: { totpRequiredRoles: roles } });
    return { totpRequiredRoles: roles };
  }

  /**
   * Checks a verified access token's session and user on every request: revoked, expired or idle
   * sessions and disabled users end here. Returns the actor as the database knows it now.
   */
  async authenticate(claims: AccessTokenClaims): Promise<{ actor: Actor; restrictions: Restriction[] }> {
    const now = this.clock.now();
    const session = await this.sessions.findById(claims.sid);
    if (!session || session.userId !== claims.sub || !this.sessionUsable(session, now)) {
      if (session && !session.revokedAt && now.getTime() - session.lastSeenAt.getTime() > AUTH_RULES.idleSeconds * 1000) {
        await this.sessions.revoke(session._id, now, 'idle');
        throw new ApiError(HttpStatus.UNAUTHORIZED, 'session_idle', '长时间未操作，请重新登录');
      }
      throw sessionEnded();
    }
    const user = await this.users.findById(session.userId);
    if (!user || !this.userStillValid(user, session)) throw sessionEnded();
    if (now.getTime() - session.lastSeenAt.getTime() > AUTH_RULES.touchEverySeconds * 1000) await this.sessions.touch(session._id, now);
    return { actor: actorOf(user), restrictions: await this.restrictions(user) };
  }

  async profileOf(actor: Actor): Promise<LoginResult['user'] & { restrictions: Restriction[] }> {
    const user = await this.users.findById(actor.userId);
    if (!user) throw sessionEnded();
    const security = await this.security.get(user._id);
    return { ...this.profile(user, security.totpSecret !== null), restrictions: await this.restrictions(user) };
  }

  private async restrictions(user: UserRecord): Promise<Restriction[]> {
    const restrictions: Restriction[] = [];
    if (user.mustChangePassword) restrictions.push('password_change');
    const required = await this.totpRequiredRoles();
    if (user.roles.some((role) => required.includes(role)) && !(await this.security.get(user._id)).totpSecret) restrictions.push('totp_enrollment');
    return restrictions;
  }

  private async countFailure(user: UserRecord, now: Date, origin: RequestOrigin): Promise<void> {
    const failures = await this.security.countFailure(user._id);
    if (failures < AUTH_RULES.lockAfterFailures) return;
    await this.security.update(user._id, { failedLogins: 0, lockedUntil: new Date(now.getTime() + AUTH_RULES.lockSeconds * 1000) });
    await this.audit.record({ action: 'auth.lockout', result: 'success', status: 401, username: user.username, target: user._id, ...auditOrigin(origin), details: { failures } });
  }

  private sessionUsable(session: { revokedAt: Date | null; expiresAt: Date; lastSeenAt: Date }, now: Date): boolean {
    return !session.revokedAt && session.expiresAt > now && now.getTime() - session.lastSeenAt.getTime() <= AUTH_RULES.idleSeconds * 1000;
  }

  /** A disabled user, or one whose sessions were all ended (password reset, disable) after this one began, is out. */
  private userStillValid(user: UserRecord, session: { createdAt: Date }): boolean {
    return !user.disabled && !(user.sessionsRevokedAt && user.sessionsRevokedAt >= session.createdAt);
  }

  private async openSession(user: UserRecord, origin: RequestOrigin, now: Date): Promise<TokenPair> {
    const sid = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    await this.sessions.create({
      _id: sid,
      userId: user._id,
      refreshHash: sha256(secret),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + AUTH_RULES.sessionMaxSeconds * 1000),
      revokedAt: null,
      revokedReason: null,
      ip: origin.ip,
      userAgent: origin.userAgent?.slice(0, 300) ?? null,
    });
    return this.tokens(user._id, sid, secret, now);
  }

  private async tokens(userId: string, sid: string, secret: string, now: Date): Promise<TokenPair> {
    const iat = Math.floor(now.getTime() / 1000);
    const claims: AccessTokenClaims = { sub: userId, sid, iat };
    return {
      accessToken: await this.jwt.signAsync(claims, { expiresIn: AUTH_RULES.accessTokenSeconds }),
      refreshToken: `${sid}.${secret}`,
      tokenType: 'Bearer',
      expiresIn: AUTH_RULES.accessTokenSeconds,
    };
  }

  private profile(user: UserRecord, totpEnabled: boolean): LoginResult['user'] {
    return { id: user._id, username: user.username, name: user.name, unitId: user.unitId, roles: user.roles, mustChangePassword: user.mustChangePassword, totpEnabled };
  }
}

function actorOf(user: UserRecord): Actor {
  return { userId: user._id, name: user.name, unitId: user.unitId, roles: user.roles };
}

function auditOrigin(origin: RequestOrigin): { ip?: string; requestId?: string } {
  return { ...(origin.ip ? { ip: origin.ip } : {}), ...(origin.requestId ? { requestId: origin.requestId } : {}) };
}

function safeEqual(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}
