import type { Connection } from 'mongoose';
import { UserRepository } from '@duban/persistence';
import { generatePassword, loadOrg } from './org-file.js';

export const SYSTEM_UNIT_ID = 'system';

/**
 * On first start (no users yet) creates the sysadmin `admin` in the unit `system`. Its password comes
 * from DUBAN_ADMIN_PASSWORD, or is generated and returned so the caller prints it once.
 */
export async function bootstrapAdmin(database: Connection, password: string | undefined): Promise<string | null> {
  if ((await new UserRepository(database).count()) > 0) return null;
  const chosen = password ?? generatePassword();
  await loadOrg(database, {
    units: [{ id: SYSTEM_UNIT_ID, name: '系统管理', kind: 'county', parent: null }],
    users: [{ username: 'admin', name: '系统管理员', unit: SYSTEM_UNIT_ID, roles: ['sysadmin'], password: chosen }],
  });
  return password ? null : chosen;
}
