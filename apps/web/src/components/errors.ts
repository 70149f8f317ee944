import { ApiFailure } from '../api/client';

/** The API names the refused field first ("dueDate: 整改时限不能早于今天"); users read the Chinese part. */
const withoutField = (text: string) => text.replace(/^[A-Za-z][\w.[\]]*: /, '');

/** The message to show: the API's Chinese message, or each refused field's problems when it lists them; never the browser's English. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiFailure) {
    const fields = (error.details as { fields?: { field: string; problems: string[] }[] } | null)?.fields;
    if (error.code === 'invalid_input' && Array.isArray(fields) && fields.length > 0) {
      return fields.flatMap((f) => f.problems.map(withoutField)).join('；');
    }
    return withoutField(error.message);
  }
  // Anything else is the browser's own failure, in its words ("Failed to fetch" when the network or the server is
  // down): the user is told in Chinese what happened, not the browser's message.
  return error instanceof TypeError ? '网络异常，请稍后重试' : '操作失败，请稍后重试';
}
