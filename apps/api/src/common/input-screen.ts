/** Deepest nesting of objects and arrays a request may carry; the deepest DTO needs a handful of levels. */
export const MAX_INPUT_DEPTH = 32;

/** Keys that name the prototype machinery: never a field of any DTO, refused so that no code path can meet them. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A UTF-16 surrogate without its pair: not text, and stored as U+FFFD, so what is stored differs from what was sent. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** C0 control characters except tab, line feed and carriage return. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

export interface InputProblem {
  /** The field as a path, e.g. `phases[0].name`, or the query parameter. */
  readonly field: string;
  readonly problem: string;
}

/** What is wrong with one piece of text, or null. */
export function textProblem(text: string): string | null {
  if (LONE_SURROGATE.test(text)) return '含有无效的 Unicode 字符（不成对的代理项）';
  if (CONTROL_CHARACTER.test(text)) return '含有不允许的控制字符';
  return null;
}

/**
 * The first problem in a parsed request value (a JSON body, a query object), walked without recursion so that
 * any nesting is answered, not overflowed: nesting deeper than MAX_INPUT_DEPTH, a prototype key, a key or a
 * string with a lone surrogate or a control character. `prefix` names the root (empty for a body).
 */
export function inputProblem(value: unknown, prefix = ''): InputProblem | null {
  const pending: { value: unknown; field: string; depth: number }[] = [{ value, field: prefix, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value: current, field, depth } = next;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) return { field: field || '请求体', problem };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) return { field: field || '请求体', problem: `嵌套超过 ${MAX_INPUT_DEPTH} 层` };
    if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push({ value: item, field: `${field}[${index}]`, depth: depth + 1 }));
      continue;
    }
    for (const [key, item] of Object.entries(current)) {
      const path = field ? `${field}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) return { field: path, problem: '不允许的字段名' };
      const keyProblem = textProblem(key);
      if (keyProblem) return { field: path, problem: `字段名${keyProblem}` };
      pending.push({ value: item, field: path, depth: depth + 1 });
    }
  }
  return null;
}
