import type { OpenAPIObject } from '@nestjs/swagger';

/** The one error shape of the API, `{ error: { code, message, details } }`, as an OpenAPI schema. */
const ERROR_BODY = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', example: 'invalid_input' },
        message: { type: 'string', example: '输入不合法：title' },
        details: { description: '字段错误等附加信息' },
      },
    },
  },
} as const;

const ERROR_STATUSES: Record<string, string> = {
  '400': '输入不合法（details.fields 列出每个字段）',
  '401': '未登录或登录已失效',
  '403': '当前角色或会话无权执行此操作',
  '404': '不存在或无权查看',
  '409': '当前状态不允许此操作',
  '413': '请求体或文件过大',
  '415': '不支持的文件类型',
  '429': '请求过于频繁',
};

/** Documents the error answers every operation can give, so clients and fuzzers can check them against the schema. */
export function documentErrors(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ApiError: ERROR_BODY as never } };
  const reference = { $ref: '#/components/schemas/ApiError' };
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem)) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      const responses = operation.responses as Record<string, unknown>;
      for (const [status, description] of Object.entries(ERROR_STATUSES)) {
        responses[status] ??= { description, content: { 'application/json': { schema: reference } } };
      }
    }
  }
  return document;
}
