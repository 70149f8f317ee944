import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditHash, canonicalAuditJson, GENESIS_HASH, type AuditRecord } from './audit-hash.js';

const entry = (): Omit<AuditRecord, 'hash'> => ({
  _id: 7,
  at: new Date('2026-05-01T06:03:22.123Z'),
  requestId: 'req-1',
  ip: '127.0.0.1',
  actor: { userId: 'u-1', name: '办公室王主任', unitId: 'office', roles: ['office'] },
  username: null,
  action: 'POST /api/rectifications/:id/sign',
  target: 'item-1',
  result: 'refused',
  status: 403,
  details: { code: 'not_permitted', params: { b: '2', a: '1' } },
  prevHash: GENESIS_HASH,
});

describe('canonical audit serialization', () => {
  it('is every field but the hash, in a fixed order, with nested keys sorted', () => {
    expect(canonicalAuditJson(entry())).toBe(
      '{"seq":7,"at":"2026-05-01T06:03:22.123Z","requestId":"req-1","ip":"127.0.0.1",' +
        '"actor":{"name":"办公室王主任","roles":["office"],"unitId":"office","userId":"u-1"},"username":null,' +
        '"action":"POST /api/rectifications/:id/sign","target":"item-1","result":"refused","status":403,' +
        `"details":{"code":"not_permitted","params":{"a":"1","b":"2"}},"prevHash":"${GENESIS_HASH}"}`,
    );
  });

  it('does not depend on the order in which keys were written (a document read back from the database)', () => {
    const original = entry();
    const reordered = Object.fromEntries(Object.entries(original).reverse()) as Omit<AuditRecord, 'hash'>;
    reordered.actor = { roles: ['office'], unitId: 'office', name: '办公室王主任', userId: 'u-1' };
    reordered.details = { params: { a: '1', b: '2' }, code: 'not_permitted' };
    expect(canonicalAuditJson(reordered)).toBe(canonicalAuditJson(original));
    expect(auditHash(reordered)).toBe(auditHash(original));
  });

  it('treats absent values as null, and a missing field differently from an empty one', () => {
    const withoutIp = { ...entry(), ip: undefined as unknown as null };
    expect(canonicalAuditJson(withoutIp)).toContain('"ip":null');
    expect(auditHash({ ...entry(), ip: '' })).not.toBe(auditHash({ ...entry(), ip: null }));
  });

  it('is the sha256 hex of the canonical text, and pinned: changing the serialization breaks every stored chain', () => {
    const text = canonicalAuditJson(entry());
    expect(auditHash(entry())).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    expect(auditHash(entry())).toMatch(/^[0-9a-f]{64}$/);
    expect(auditHash(entry())).toBe('8639f9e45bc73e05d67f7ef14426085c91c0c4ef51e406bfbca84c2e8da302c9');
  });

  it.each([
    ['seq', { _id: 8 }],
    ['time', { at: new Date('2026-05-01T06:03:22.124Z') }],
    ['result', { result: 'success' as const }],
    ['status', { status: 200 }],
    ['status type', { status: '403' as unknown as number }],
    ['actor', { actor: { userId: 'u-2', name: '办公室王主任', unitId: 'office', roles: ['office'] } }],
    ['roles', { actor: { userId: 'u-1', name: '办公室王主任', unitId: 'office', roles: ['office', 'auditor'] } }],
    ['target', { target: 'item-2' }],
    ['details', { details: { code: 'forbidden' } }],
    ['link', { prevHash: 'f'.repeat(64) }],
  ])('changes when the %s changes', (_what, change) => {
    expect(auditHash({ ...entry(), ...change })).not.toBe(auditHash(entry()));
  });
});
