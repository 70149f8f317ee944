import { describe, expect, it } from 'vitest';
import { actionLabel, detailLines, problemsOf, problemText, verificationSummary, whoLabel } from './audit-view';

describe('the chain check in plain Chinese', () => {
  const changed = { seq: 12, kind: 'changed', message: '第 12 条审计记录的内容与其哈希不符，已被修改（entry 12 was changed）' };
  const gap = { seq: 40, kind: 'gap', message: '缺少第 40–41 条审计记录（missing entries 40–41）' };

  it('reads a server that reports only the first problem and one that lists every problem', () => {
    expect(problemsOf({ ok: false, checked: 50, firstProblem: changed, head: null })).toEqual([changed]);
    expect(problemsOf({ ok: false, checked: 50, firstProblem: changed, problems: [changed, gap], problemsTruncated: false, head: null })).toEqual([changed, gap]);
    expect(problemsOf({ ok: true, checked: 50, firstProblem: null, head: { seq: 50, hash: 'h' } })).toEqual([]);
  });

  it('names each broken entry by its number, without the English gloss', () => {
    expect(problemText(gap)).toBe('第 40 条：记录缺失（已被删除）。缺少第 40–41 条审计记录');
    expect(problemText({ seq: 7, kind: 'broken_link', message: 'entry 7 does not link to entry 6' })).toBe('第 7 条：链接断开（未指向前一条记录）');
  });

  it('sums up a whole chain and a broken one', () => {
    expect(verificationSummary({ ok: true, checked: 50, firstProblem: null, head: { seq: 50, hash: 'h' } })).toBe(
      '审计链完整：已校验 50 条记录，没有被修改、断链或缺失的记录。最新一条为第 50 条。',
    );
    expect(verificationSummary({ ok: false, checked: 48, problems: [changed, gap], problemsTruncated: true, head: null })).toBe(
      '审计链校验不通过：发现 2 处问题（仅列出前面部分，实际更多），共校验 48 条记录。',
    );
    expect(verificationSummary({ ok: false, checked: 0, firstProblem: changed, head: null })).toBe('审计链校验不通过：发现 1 处问题。');
  });
});

describe('entries in words', () => {
  it('names the auth actions, turns route methods into verbs and says who acted or which name was typed', () => {
    expect(actionLabel('auth.login')).toBe('登录');
    expect(actionLabel('POST /api/rectifications/:id/sign')).toBe('提交 /api/rectifications/:id/sign');
    expect(whoLabel({ actor: { userId: 'u1', name: '水利局张科长', unitId: 'water', roles: ['unit'] }, username: null })).toBe('水利局张科长');
    expect(whoLabel({ actor: null, username: 'nobody' })).toBe('登录名 nobody');
    expect(detailLines({ reason: 'wrong_password', params: { unitId: 'water' } })).toEqual(['原因：密码错误', '参数：{"unitId":"water"}']);
    expect(detailLines(null)).toEqual([]);
  });
});
