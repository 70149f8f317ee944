import { describe, expect, it } from 'vitest';
import { passwordProblems } from './password.js';

describe('passwordProblems', () => {
  it.each([
    ['Abcdef1!', []],
    ['abcdef12', ['密码须包含大写字母、小写字母、数字、符号中的至少三类']],
    ['Abc1!', ['密码长度至少 8 位']],
    ['Office-2026x', ['密码不能包含用户名']],
    ['ABCDEFG1!', []],
    ['中文密码Ab1好长啊', []],
  ])('%s', (password, expected) => {
    expect(passwordProblems(password, 'office')).toEqual(expected);
  });
});
