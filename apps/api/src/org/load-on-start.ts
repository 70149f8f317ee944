import { readFile } from 'node:fs/promises';
import type { Connection } from 'mongoose';
import { loadOrg, parseOrgFile } from './org-file.js';

/** Loads DUBAN_ORG_FILE when set; prints passwords it generated for new users (once). */
export async function loadOrgFileIfGiven(database: Connection, path: string | undefined): Promise<void> {
  if (!path) return;
  const result = await loadOrg(database, parseOrgFile(await readFile(path, 'utf8')));
  process.stdout.write(`[api] 组织架构已加载：${result.units} 个单位，${result.users} 个用户（${path}）\n`);
  for (const { username, password } of result.generatedPasswords) process.stdout.write(`[api]   新用户 ${username} 初始密码 ${password}\n`);
}
