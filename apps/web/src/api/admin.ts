import type { Role } from '@duban/domain';
import { api, query, request } from './client';
import type { Unit } from './types';

/** A user as the sysadmin sees it (GET /api/users): no password hash, secret or token data. */
export interface Account {
  id: string;
  username: string;
  name: string;
  unitId: string;
  roles: Role[];
  roleLabels: string[];
  mustChangePassword: boolean;
  disabled: boolean;
  lockedUntil?: string;
  totpEnabled: boolean;
  createdAt: string;
}

/** A password the server generated: shown in this one answer only. */
export interface AccountWithPassword {
  user: Account;
  password: string;
}

export interface AccountFilter {
  q?: string;
  unitId?: string;
  role?: Role;
  cursor?: string | null;
}

export interface OrgImportResult {
  units: number;
  users: number;
  generatedPasswords: { username: string; password: string }[];
}

export const adminApi = {
  users: (filter: AccountFilter) => api.get<{ items: Account[]; nextCursor: string | null }>(`/users${query({ ...filter, limit: 50 })}`),
  createUser: (body: { username: string; name: string; unitId: string; roles: Role[] }) => api.post<AccountWithPassword>('/users', body),
  updateUser: (id: string, body: { name?: string; unitId?: string; roles?: Role[] }) => request<Account>('PATCH', `/users/${id}`, body),
  disable: (id: string) => api.post<Account>(`/users/${id}/disable`),
  enable: (id: string) => api.post<Account>(`/users/${id}/enable`),
  resetPassword: (id: string) => api.post<AccountWithPassword>(`/users/${id}/reset-password`),
  units: () => api.get<{ items: (Unit & { path: string[] })[] }>('/org/units').then((r) => r.items),
  createUnit: (body: { id: string; name: string; kind: string; parentId: string | null }) => api.post<Unit>('/org/units', body),
  renameUnit: (id: string, name: string) => request<Unit>('PATCH', `/org/units/${id}`, { name }),
  importOrg: (file: unknown) => api.post<OrgImportResult>('/org/import', file),
};
