import { describe, expect, it } from 'vitest';
import { roleCombinationProblem } from './role-separation.js';

describe('role separation (三员分立)', () => {
  it('lets business roles combine', () => {
    expect(roleCombinationProblem(['unit', 'unit_leader'])).toBeNull();
    expect(roleCombinationProblem(['office', 'inspector'])).toBeNull();
  });

  it('lets the sysadmin and the auditor hold their role alone', () => {
    expect(roleCombinationProblem(['sysadmin'])).toBeNull();
    expect(roleCombinationProblem(['auditor'])).toBeNull();
  });

  it('refuses the sysadmin or the auditor with any other role, naming the role in Chinese', () => {
    expect(roleCombinationProblem(['sysadmin', 'office'])).toContain('系统管理员');
    expect(roleCombinationProblem(['unit', 'auditor'])).toContain('审计管理员');
    expect(roleCombinationProblem(['sysadmin', 'auditor'])).toContain('三员分立');
  });
});
