import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { passwordProblems } from '@duban/domain';
import { generatePassword, OrgFileError, parseOrgFile } from './org-file.js';

describe('org file', () => {
  it('accepts the shipped example county', () => {
    const file = parseOrgFile(readFileSync(new URL('../../../../tools/demo/org/example-county.yaml', import.meta.url), 'utf8'));
    expect(file.units.filter((u) => u.kind === 'township')).toHaveLength(4);
    expect(file.users?.some((u) => u.roles.includes('office'))).toBe(true);
  });

  it.each([
    ['units: []', 'units'],
    ['units: [{ id: a, name: A, kind: planet }]', 'units[0].kind'],
    ['units: [{ id: a, name: A, kind: county, parent: b }]', 'units[0].parent'],
    ['units: [{ id: a, name: A, kind: county }, { id: a, name: B, kind: county }]', 'units[1].id'],
    ['units: [{ id: a, name: A, kind: county }]\nusers: [{ username: u, name: U, unit: x, roles: [office] }]', 'users[0].unit'],
    ['units: [{ id: a, name: A, kind: county }]\nusers: [{ username: u, name: U, unit: a, roles: [king] }]', 'users[0].roles'],
    ['units: [{ id: a, name: A, kind: county }]\nusers: [{ username: u, name: U, unit: a, roles: [office], password: aaaaaaaa }]', 'users[0].password'],
    ['units: [{ id: a, name: A, kind: county }]\nusers: [{ username: wang, name: W, unit: a, roles: [office], password: Wang-2026-x }]', 'users[0].password'],
  ])('refuses %j naming %s', (text, where) => {
    expect(() => parseOrgFile(text)).toThrow(OrgFileError);
    expect(() => parseOrgFile(text)).toThrow(where);
  });

  it('generates passwords that pass the password rules', () => {
    for (let i = 0; i < 200; i++) expect(passwordProblems(generatePassword(), 'someone')).toEqual([]);
  });
});
