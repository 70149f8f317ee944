import { describe, expect, it } from 'vitest';
import { dueDateFor } from './due-rule.js';
import { isTemplateDue, shanghaiMonthOf, templateItem, templateItemId, templateMonths, templateMonthsProblem, templatesDueIn, type TaskTemplate } from './recurring.js';

const template = (overrides: Partial<TaskTemplate> = {}): TaskTemplate => ({
  id: 'tt-00000001',
  title: '村级更新就业信息台账',
  content: '村级每月15日前完成就业信息台账更新（002 §8）',
  target: { kind: 'unitKind', unitKind: 'village' },
  coUnitIds: [],
  cadence: 'monthly',
  months: null,
  due: { kind: 'dayOfMonth', day: 15 },
  onUnfinished: 'carry_over',
  active: true,
  ...overrides,
});

const dueMonths = (t: TaskTemplate) => Array.from({ length: 12 }, (_, i) => `2024-${String(i + 1).padStart(2, '0')}`).filter((m) => isTemplateDue(t, m));

describe('which recurring obligations fall due in a month', () => {
  it('monthly: every month; every two months: the even months', () => {
    expect(dueMonths(template())).toHaveLength(12);
    expect(dueMonths(template({ cadence: 'bimonthly' }))).toEqual(['2024-02', '2024-04', '2024-06', '2024-08', '2024-10', '2024-12']);
  });

  it('quarterly: the last month of each quarter (季末); half-yearly: June and December', () => {
    expect(dueMonths(template({ cadence: 'quarterly' }))).toEqual(['2024-03', '2024-06', '2024-09', '2024-12']);
    expect(dueMonths(template({ cadence: 'halfYearly' }))).toEqual(['2024-06', '2024-12']);
  });

  it('a template that names its months is due in those months only', () => {
    expect(dueMonths(template({ cadence: 'quarterly', months: [1, 4, 7, 10] }))).toEqual(['2024-01', '2024-04', '2024-07', '2024-10']);
    expect(templateMonths(template({ cadence: 'halfYearly', months: [] }))).toEqual([6, 12]);
  });

  it('an inactive template is never due', () => {
    expect(dueMonths(template({ active: false }))).toEqual([]);
  });

  it('picks the due ones from a set, keeping their order', () => {
    const all = [template({ id: 'a', cadence: 'halfYearly' }), template({ id: 'b' }), template({ id: 'c', cadence: 'quarterly' }), template({ id: 'd', active: false })];
    expect(templatesDueIn(all, '2024-09').map((t) => t.id)).toEqual(['b', 'c']);
    expect(templatesDueIn(all, '2024-12').map((t) => t.id)).toEqual(['a', 'b', 'c']);
    expect(templatesDueIn(all, '2024-11').map((t) => t.id)).toEqual(['b']);
  });
});

describe('the item a template adds to a month', () => {
  it('has an id derived from template and month, and keeps the template for reference', () => {
    const item = templateItem(template(), '2024-11');
    expect(item).toMatchObject({ id: templateItemId('tt-00000001', '2024-11'), templateId: 'tt-00000001', carriedFrom: null, quantity: null, title: '村级更新就业信息台账' });
    expect(item.id).toBe('tpl-tt-00000001-2024-11');
    expect(item.id).not.toContain('.');
    expect(templateItem(template(), '2024-12').id).not.toBe(item.id);
    expect(dueDateFor(item.due, '2024-11')).toBe('2024-11-15');
  });
});

describe('template months', () => {
  it('refuses empty, out-of-range and repeated months', () => {
    expect(templateMonthsProblem(null)).toBeNull();
    expect(templateMonthsProblem([3, 9])).toBeNull();
    expect(templateMonthsProblem([])).toContain('不能为空');
    expect(templateMonthsProblem([0])).toContain('1 到 12');
    expect(templateMonthsProblem([13])).toContain('1 到 12');
    expect(templateMonthsProblem([3, 3])).toContain('重复');
  });
});

describe('the month an instant falls in (Asia/Shanghai)', () => {
  it('is the Shanghai calendar month, not the UTC one', () => {
    expect(shanghaiMonthOf('2024-11-30T16:30:00Z')).toBe('2024-12');
    expect(shanghaiMonthOf('2024-12-01T01:00:00Z')).toBe('2024-12');
    expect(shanghaiMonthOf('2024-11-30T15:59:59Z')).toBe('2024-11');
  });
});
