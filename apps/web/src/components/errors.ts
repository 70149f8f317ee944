import { ApiFailure } from '../api/client';

/** The API names the refused field first ("dueDate: 整改时限不能早于今天"); users read the Chinese part. */
const withoutField = (text: string) => text.replace(/^[A-Za-z][\w.[\]]*: /, '');

/** The message to show: the API's Chinese message, or each refused field's problems when it lists them. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiFailure) {
    const fields = (error.details as { fields?: { field: string; problems: string[] }[] } | null)?.fields;
    if (error.code === 'invalid_input' && Array.isArray(fields) && fields.length > 0) {
      return fields.flatMap((f) => f.problems.map(withoutField)).join('；');
    }
    return withoutField(error.message);
  }
  return error instanceof Error ? error.message : '操作失败';
}
