import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import bcrypt from 'bcryptjs';
import type { Connection } from 'mongoose';
import type { Role } from '@duban/domain';
import { UserRepository } from '@duban/persistence';
import { ApiError } from '../common/api-error.js';
import { DATABASE } from '../infrastructure/tokens.js';

export interface AccessTokenClaims {
  sub: string;
  name: string;
  unitId: string;
  roles: Role[];
}

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: { id: string; username: string; name: string; unitId: string; roles: Role[]; mustChangePassword: boolean };
}

export const ACCESS_TOKEN_TTL_SECONDS = 8 * 3600;

@Injectable()
export class AuthService {
  private readonly users: UserRepository;

  constructor(
    @Inject(DATABASE) database: Connection,
    @Inject(JwtService) private readonly jwt: JwtService,
  ) {
    this.users = new UserRepository(database);
  }

  async login(username: string, password: string): Promise<LoginResult> {
    const user = await this.users.findByUsername(username);
    // Compare even for unknown users so response time does not reveal which usernames exist.
    const ok = await bcrypt.compare(password, user?.passwordHash ?? UNKNOWN_USER_HASH);
    if (!user || !ok || user.disabled) throw new ApiError(HttpStatus.UNAUTHORIZED, 'invalid_credentials', '用户名或密码错误');
    const claims: AccessTokenClaims = { sub: user._id, name: user.name, unitId: user.unitId, roles: user.roles };
    return {
      accessToken: await this.jwt.signAsync(claims, { expiresIn: ACCESS_TOKEN_TTL_SECONDS }),
      tokenType: 'Bearer',
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      user: {
        id: user._id,
        username: user.username,
        name: user.name,
        unitId: user.unitId,
        roles: user.roles,
        mustChangePassword: user.mustChangePassword,
      },
    };
  }
}

const UNKNOWN_USER_HASH = bcrypt.hashSync('no such user', 10);
