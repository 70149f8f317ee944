import { ROLE_LABELS, ROLES, UNIT_KIND_LABELS, UNIT_KINDS } from '@duban/domain';
import { parse } from 'yaml';
import { ApiFailure } from '../../api/client';

export interface OrgFileUnit {
  id?: unknown;
  name?: unknown;
  kind?: unknown;
  parent?: unknown;
}
export interface OrgFileUser {
  username?: unknown;
  name?: unknown;
  unit?: unknown;
  roles?: unknown;
  password?: unknown;
}
export interface ParsedOrgFile {
  data: unknown;
  units: OrgFileUnit[];
  users: OrgFileUser[];
}

/** Reads a YAML or JSON org file (JSON is YAML too); a message in Chinese when it is not one. */
export function readOrgFile(text: string): ParsedOrgFile | string {
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    return `文件格式有误${line ? `（第 ${line} 行附近）` : ''}，须为 YAML 或 JSON，请对照示例文件修改`;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return '文件须包含 units（单位）列表，可选 users（用户）列表，请对照示例文件修改';
  const record = data as { units?: unknown; users?: unknown };
  return {
    data,
    units: Array.isArray(record.units) ? (record.units as OrgFileUnit[]) : [],
    users: Array.isArray(record.users) ? (record.users as OrgFileUser[]) : [],
  };
}

const FIELD_LABELS: Record<string, string> = {
  id: '单位代码',
  name: '名称',
  kind: '类别',
  parent: '上级单位',
  username: '登录名',
  unit: '所属单位',
  roles: '角色',
  password: '密码',
};

/** One refused entry of the file: which list, which entry (0-based), which field, and why. */
export interface RowProblem {
  list: 'units' | 'users';
  index: number;
  field: string;
  fieldLabel: string;
  message: string;
}

/** The API names refused entries like `users[2].unit: 未知单位 x`; each becomes a problem at that row, the rest stay general. */
export function problemsOf(failure: unknown): { rows: RowProblem[]; general: string[] } {
  if (!(failure instanceof ApiFailure)) return { rows: [], general: [failure instanceof TypeError ? '网络异常，请稍后重试' : '导入失败，请稍后重试'] };
  const fields = (failure.details as { fields?: { field: string; problems: string[] }[] } | null)?.fields ?? [];
  const rows: RowProblem[] = [];
  const general: string[] = [];
  for (const { field, problems } of fields.length ? fields : [{ field: '', problems: [failure.message] }]) {
    const match = /^(units|users)\[(\d+)\](?:\.(\w+))?/.exec(field);
    for (const problem of problems) {
      const message = problem.replace(/^[A-Za-z][\w.[\]]*: /, '');
      if (!match) general.push(message);
      else {
        const name = match[3] ?? '';
        rows.push({ list: match[1] as 'units' | 'users', index: Number(match[2]), field: name, fieldLabel: FIELD_LABELS[name] ?? (name || '此行'), message: name && !FIELD_LABELS[name] ? `不是组织架构文件的字段：${name}` : message });
      }
    }
  }
  return { rows, general };
}

/** The example org file offered for download: every field explained in Chinese, with a county, a township and a village. */
export function exampleOrgFile(): string {
  const kinds = UNIT_KINDS.map((k) => `${k} ${UNIT_KIND_LABELS[k]}`).join('、');
  const roles = ROLES.map((r) => `${r} ${ROLE_LABELS[r]}`).join('、');
  return [
    '# 组织架构文件示例（YAML；也可写成 JSON，字段相同）。导入时已有的单位、用户按代码、登录名更新，其余新建。',
    '# units 单位：id 单位代码（小写字母、数字、-、_，导入后不能修改）；name 名称；parent 上级单位代码（顶级单位不填）；',
    `#   kind 类别：${kinds}`,
    '# users 用户：username 登录名（字母、数字、.、-、_）；name 姓名；unit 所属单位代码；roles 角色（一个或多个）：',
    `#   ${roles}`,
    '#   系统管理员、审计管理员不能兼任其他角色（三员分立）。',
    '#   password 可不填：不填时系统生成初始密码，导入后只显示一次，首次登录须修改；填写时须至少 8 位、含大写字母、小写字母、数字、符号中的三类且不含登录名。',
    '#   已停用的用户导入后仍为停用。',
    'units:',
    '  - { id: county, name: 示例县, kind: county }',
    '  - { id: office, name: 县巩固拓展脱贫攻坚成果工作领导小组办公室, kind: office, parent: county }',
    '  - { id: water, name: 县水利局, kind: department, parent: county }',
    '  - { id: town-a, name: 甲镇, kind: township, parent: county }',
    '  - { id: town-a-v1, name: 甲镇第一村, kind: village, parent: town-a }',
    'users:',
    '  - { username: office, name: 县巩固办经办人, unit: office, roles: [office] }',
    '  - { username: water, name: 县水利局经办人, unit: water, roles: [unit] }',
    '  - { username: town-a, name: 甲镇经办人, unit: town-a, roles: [unit] }',
    '  - { username: town-a-head, name: 甲镇负责人, unit: town-a, roles: [unit_leader] }',
    '',
  ].join('\n');
}
