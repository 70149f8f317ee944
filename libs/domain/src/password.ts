/**
 * Password rules of 等保 level 2: at least 8 characters from at least three of four classes
 * (lower case, upper case, digits, symbols), not containing the username. Returns the problems
 * (zh-CN), empty when the password is acceptable.
 */
export function passwordProblems(password: string, username: string): string[] {
  const problems: string[] = [];
  if (password.length < 8) problems.push('密码长度至少 8 位');
  if (password.length > 128) problems.push('密码长度不能超过 128 位');
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(password)).length;
  if (classes < 3) problems.push('密码须包含大写字母、小写字母、数字、符号中的至少三类');
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) problems.push('密码不能包含用户名');
  return problems;
}
