import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, type AuditRecord } from '@duban/persistence';
import { requestIdFrom } from './audit-context.js';
import { csvCell, csvHeader, csvLine, shanghaiTimestamp } from './audit-csv.js';

const record: AuditRecord = {
  _id: 3,
  at: new Date('2026-05-01T16:30:00.000Z'),
  requestId: 'r-1',
  ip: '10.0.0.8',
  actor: { userId: 'u-9', name: '水利局张科长', unitId: 'water', roles: ['unit', 'unit_leader'] },
  username: null,
  action: 'POST /api/rectifications/:id/sign',
  target: 'item-1',
  result: 'refused',
  status: 403,
  details: { code: 'not_permitted' },
  prevHash: GENESIS_HASH,
  hash: 'a'.repeat(64),
};

describe('audit export CSV', () => {
  it('starts with the UTF-8 BOM and the Chinese header row', () => {
    expect(csvHeader()).toBe('\uFEFF序号,时间,请求编号,来源IP,用户,单位,角色,操作,对象,结果,状态码,哈希\r\n');
  });

  it('writes one line per entry in Beijing time with Chinese labels', () => {
    expect(csvLine(record)).toBe(
      `3,2026-05-02 00:30:00.000,r-1,10.0.0.8,水利局张科长（u-9）,water,责任单位经办人、责任单位负责人,POST /api/rectifications/:id/sign,item-1,拒绝,403,${'a'.repeat(64)}\r\n`,
    );
    expect(csvLine({ ...record, actor: null, username: 'nobody', result: 'failure', status: null })).toContain(',nobody,,,');
  });

  it('quotes separators and defuses spreadsheet formulas typed by users', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell('@cmd')).toBe("'@cmd");
  });

  it('formats instants in Asia/Shanghai', () => {
    expect(shanghaiTimestamp(new Date('2025-12-31T16:00:00.000Z'))).toBe('2026-01-01 00:00:00.000');
  });
});

describe('request id', () => {
  it('keeps a sane incoming id and replaces anything else with a uuid', () => {
    expect(requestIdFrom('abc-123_X.y')).toBe('abc-123_X.y');
    expect(requestIdFrom('x'.repeat(64))).toBe('x'.repeat(64));
    for (const bad of ['x'.repeat(65), '', 'a b', 'a\nb', '<script>', 'id;drop', undefined, ['a', 'b']]) {
      expect(requestIdFrom(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
