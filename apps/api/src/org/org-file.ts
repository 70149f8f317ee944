import bcrypt from 'bcryptjs';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { parse as parseYaml } from 'yaml';
import { passwordProblems, ROLES, UNIT_KINDS, type Role, type UnitKind } from '@duban/domain';
import { SessionRepository, UnitRepository, UserRepository, type UnitRecord, type UserRecord } from '@duban/persistence';
import { sameRoles } from '../users/role-rules.js';

/** A county's organisation as written in an org file (YAML or JSON); see tools/demo/org/. */
export interface OrgFile {
  units: { id: string; name: string; kind: UnitKind; parent?: string | null }[];
  users?: { username: string; name: string; unit: string; roles: Role[]; password?: string }[];
}

export interface OrgLoadResult {
  units: number;
  users: number;
  /** Passwords generated for users the file gave none; shown once, to be changed at first login. */
  generatedPasswords: { username: string; password: string }[];
}

export class OrgFileError extends Error {
  override readonly name = 'OrgFileError';
}

export function parseOrgFile(text: string): OrgFile {
  const data: unknown = parseYaml(text); // JSON is YAML too
  return checkOrgFile(data);
}

/** Checks structure and references; throws OrgFileError naming the first bad entry. */
export function checkOrgFile(data: unknown): OrgFile {
  const file = data as Partial<OrgFile> | null;
  if (!file || !Array.isArray(file.units) || file.units.length === 0) throw new OrgFileError('units: 至少需要一个单位');
  const ids = new Set<string>();
  file.units.forEach((unit, i) => {
    if (!unit || typeof unit.id !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(unit.id))
      throw new OrgFileError(`units[${i}].id: 须为小写字母、数字、-、_`);
    if (ids.has(unit.id)) throw new OrgFileError(`units[${i}].id: 重复的单位 ${unit.id}`);
    if (typeof unit.name !== 'string' || unit.name.trim() === '') throw new OrgFileError(`units[${i}].name: 不能为空`);
    if (!UNIT_KINDS.includes(unit.kind)) throw new OrgFileError(`units[${i}].kind: 须为 ${UNIT_KINDS.join('/')}`);
    ids.add(unit.id);
  });
  file.units.forEach((unit, i) => {
    if (unit.parent != null && !ids.has(unit.parent)) throw new OrgFileError(`units[${i}].parent: 未知单位 ${unit.parent}`);
  });
  (file.users ?? []).forEach((user, i) => {
    if (!user || typeof user.username !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(user.username))
      throw new OrgFileError(`users[${i}].username: 须为字母、数字、.、-、_`);
    if (typeof user.name !== 'string' || user.name.trim() === '') throw new OrgFileError(`users[${i}].name: 不能为空`);
    if (!ids.has(user.unit)) throw new OrgFileError(`users[${i}].unit: 未知单位 ${String(user.unit)}`);
    if (!Array.isArray(user.roles) || user.roles.length === 0 || !user.roles.every((r) => ROLES.includes(r)))
      throw new OrgFileError(`users[${i}].roles: 须为 ${ROLES.join('/')} 中的一个或多个`);
    if (user.password !== undefined) {
      const problems = typeof user.password === 'string' ? passwordProblems(user.password, user.username) : ['须为字符串'];
      if (problems.length > 0) throw new OrgFileError(`users[${i}].password: ${problems.join('；')}`);
    }
  });
  return file as OrgFile;
}

/**
 * Creates or updates every unit and user of the file. Re-loading the same file changes nothing but passwords it
 * generates. A user the sysadmin disabled stays disabled (the file has no say on it: enabling is
 * POST /api/users/{id}/enable); a user whose password, unit or roles change loses every open session.
 */
export async function loadOrg(database: Connection, file: OrgFile, now: Date = new Date()): Promise<OrgLoadResult> {
  const units = new UnitRepository(database);
  const users = new UserRepository(database);
  const sessions = new SessionRepository(database);
  for (const unit of withPaths(file.units)) await units.upsert(unit);

  const generatedPasswords: OrgLoadResult['generatedPasswords'] = [];
  for (const user of file.users ?? []) {
    const existing = await users.findByUsername(user.username);
    if (existing && user.password === undefined) continue; // keep the password its owner has set
    const password = user.password ?? generatePassword();
    if (user.password === undefined) generatedPasswords.push({ username: user.username, password });
    const samePassword = existing !== null && (await bcrypt.compare(password, existing.passwordHash));
    const endsSessions = existing !== null && (!samePassword || !sameAccess(existing, user));
    await users.upsertByUsername({
      _id: existing?._id ?? randomUUID(),
      username: user.username,
      name: user.name,
      unitId: user.unit,
      roles: user.roles,
      passwordHash: samePassword ? existing.passwordHash : await bcrypt.hash(password, 10),
      mustChangePassword: samePassword ? existing.mustChangePassword : user.password === undefined,
      disabled: existing?.disabled ?? false,
      createdAt: existing?.createdAt ?? now,
      ...(endsSessions ? { sessionsRevokedAt: now } : {}),
    });
    if (endsSessions) await sessions.revokeAllForUser(existing._id, now, 'org_import');
  }
  return { units: file.units.length, users: file.users?.length ?? 0, generatedPasswords };
}

/** Same unit and roles: what the user may see and do is unchanged. */
function sameAccess(stored: UserRecord, listed: NonNullable<OrgFile['users']>[number]): boolean {
  return stored.unitId === listed.unit && sameRoles(stored.roles, listed.roles);
}

function withPaths(units: OrgFile['units']): UnitRecord[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const pathOf = (id: string, seen: Set<string> = new Set()): string[] => {
    if (seen.has(id)) throw new OrgFileError(`units: 单位 ${id} 的上级关系成环`);
    seen.add(id);
    const parent = byId.get(id)?.parent;
    return parent ? [...pathOf(parent, seen), id] : [id];
  };
  return units.map((u) => ({ _id: u.id, name: u.name.trim(), kind: u.kind, parentId: u.parent ?? null, path: pathOf(u.id) }));
}

/** 16 characters from four classes, so it passes the password rules. */
export function generatePassword(): string {
  return `Db-${randomBytes(9).toString('base64url')}7a`;
}
