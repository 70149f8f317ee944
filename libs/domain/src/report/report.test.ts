import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EVALUATION_POLICY,
  overdueDaysWithin,
  parseDate,
  parsePeriod,
  quarterOf,
  rowFingerprint,
  scoreUnit,
  uuidFromDigest,
  validateRow,
  type UnitCounters,
} from '../index.js';

const units = [
  { id: 'water', name: '县水利局' },
  { id: 'town-a', name: '甲镇' },
  { id: 'twin-1', name: '同名村' },
  { id: 'twin-2', name: '同名村' },
];
const context = { units, today: '2026-06-01', notAssignable: new Set(['county']) };
const good = {
  title: '饮水安全',
  description: '两户季节性缺水',
  source: '省考核',
  category: '饮水安全',
  leadUnit: '县水利局',
  coUnits: '甲镇',
  dueDate: '2026/7/1',
};

describe('import rows', () => {
  it('reads labels, unit names and the usual date spellings', () => {
    const { value, errors } = validateRow(2, good, {}, context);
    expect(errors).toEqual([]);
    expect(value).toEqual({
      row: 2,
      title: '饮水安全',
      description: '两户季节性缺水',
      source: 'provincial_assessment',
      category: 'drinking_water',
      severity: 'general',
      leadUnitId: 'water',
      coUnitIds: ['town-a'],
      dueDate: '2026-07-01',
    });
    expect(parseDate('2026年3月5日')).toBe('2026-03-05');
    expect(parseDate(new Date(Date.UTC(2026, 2, 5)))).toBe('2026-03-05');
    expect(parseDate('2026-02-30')).toBeNull();
    expect(parseDate('明年')).toBeNull();
  });

  it('reports every problem of a row with its column', () => {
    const { value, errors } = validateRow(
      7,
      { description: '', source: '不知道', category: '饮水安全', leadUnit: '不存在局', coUnits: '同名村', dueDate: '2026-13-01' },
      { description: '问题描述', leadUnit: '牵头单位' },
      context,
    );
    expect(value).toBeNull();
    expect(errors).toEqual([
      { row: 7, column: '问题描述', message: '问题描述不能为空' },
      { row: 7, column: '问题来源', message: '未知问题来源“不知道”' },
      { row: 7, column: '牵头单位', message: '未知单位“不存在局”' },
      { row: 7, column: '配合单位', message: '单位名称“同名村”不唯一，请填写单位编码' },
      { row: 7, column: '整改时限', message: '整改时限“2026-13-01”不是有效日期' },
    ]);
  });

  it('uses the default source when the list has none, and refuses the county as responsible unit', () => {
    const { value } = validateRow(2, { ...good, source: null }, {}, { ...context, defaultSource: 'anonymous_visit' });
    expect(value?.source).toBe('anonymous_visit');
    expect(validateRow(2, { ...good, leadUnit: 'county' }, {}, { ...context, units: [...units, { id: 'county', name: '县' }] }).errors[0]?.column).toBe('责任单位');
  });

  it('fingerprints normalized content, not the row number or the order of co-units', () => {
    const a = validateRow(2, { ...good, coUnits: '甲镇、县水利局' }, {}, context).value;
    const b = validateRow(9, { ...good, description: '  两户季节性缺水 ' }, {}, context).value!;
    expect(a).toBeNull(); // the lead unit cannot also help
    const c = validateRow(3, good, {}, context).value!;
    expect(rowFingerprint(b)).toBe(rowFingerprint(c));
    expect(rowFingerprint({ ...c, dueDate: '2026-07-02' })).not.toBe(rowFingerprint(c));
  });

  it('turns a digest into a v4-shaped uuid', () => {
    const id = uuidFromDigest('f'.repeat(64));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidFromDigest('0'.repeat(64))).toBe('00000000-0000-4000-8000-000000000000');
  });
});

describe('evaluation', () => {
  const none: UnitCounters = { due: 0, onTime: 0, overdueDays: 0, returns: 0, lookBackFailures: 0, escalations: 0, notices: { blue: 0, yellow: 0, red: 0 }, noticesByQuarter: {} };

  it('parses periods in Shanghai time', () => {
    expect(parsePeriod('2026-Q3')).toEqual({ label: '2026-Q3', from: new Date('2026-06-30T16:00:00Z'), to: new Date('2026-09-30T16:00:00Z') });
    expect(parsePeriod('2026-12')?.to).toEqual(new Date('2026-12-31T16:00:00Z'));
    expect(parsePeriod('2026')?.from).toEqual(new Date('2025-12-31T16:00:00Z'));
    expect(parsePeriod('2026-Q5')).toBeNull();
    expect(quarterOf('2026-09-30T16:30:00Z')).toBe('2026-Q4');
  });

  it('gives the base score to a unit with nothing against it', () => {
    expect(scoreUnit(none, DEFAULT_EVALUATION_POLICY)).toMatchObject({ score: 100, onTimeRate: null, warnings: [] });
  });

  it('deducts each term by its weight, and applies the warning rules per quarter', () => {
    const counters: UnitCounters = {
      due: 4,
      onTime: 3,
      overdueDays: 10,
      returns: 2,
      lookBackFailures: 1,
      escalations: 1,
      notices: { blue: 1, yellow: 2, red: 3 },
      noticesByQuarter: { 'blue@2026-Q1': 1, 'yellow@2026-Q1': 1, 'yellow@2026-Q2': 1, 'red@2026-Q2': 3 },
    };
    const result = scoreUnit(counters, DEFAULT_EVALUATION_POLICY);
    expect(result.deductions).toEqual({ onTime: 7.5, overdueDays: 2, returns: 2, lookBackFailures: 3, escalations: 2, notices: 8, warnings: 5 });
    expect(result.warnings).toEqual([{ quarter: '2026-Q2', colour: 'red', count: 3, deduction: 5, measure: '约谈单位主要负责人' }]);
    expect(result.score).toBe(100 - 29.5);
    expect(scoreUnit({ ...counters, noticesByQuarter: { 'yellow@2026-Q2': 2 } }, DEFAULT_EVALUATION_POLICY).warnings[0]?.measure).toBe('发函提醒');
    expect(scoreUnit({ ...none, overdueDays: 1000 }, DEFAULT_EVALUATION_POLICY).deductions.overdueDays).toBe(20);
    expect(scoreUnit({ ...none, escalations: 100 }, DEFAULT_EVALUATION_POLICY).score).toBe(0);
  });

  it('counts overdue days inside the period only', () => {
    const period = parsePeriod('2026-Q1')!;
    expect(overdueDaysWithin('2026-01-10T15:59:59.999Z', new Date('2026-01-15T16:00:00Z'), period)).toBe(5);
    expect(overdueDaysWithin('2025-12-01T15:59:59.999Z', new Date('2026-01-02T16:00:00Z'), period)).toBe(2);
    expect(overdueDaysWithin('2026-05-01T15:59:59.999Z', new Date('2026-06-01T00:00:00Z'), period)).toBe(0);
  });
});
