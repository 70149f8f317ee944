/** The API's one error shape: `{ error: { code, message, details } }`. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'duban.accessToken';
const REFRESH_KEY = 'duban.refreshToken';

export const tokens = {
  get access(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  save(access: string, refresh: string): void {
    sessionStorage.setItem(TOKEN_KEY, access);
    sessionStorage.setItem(REFRESH_KEY, refresh);
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(REFRESH_KEY);
  },
};

/** Called when the session has ended for good (refresh refused): the app goes back to the login page. */
let onSessionEnded: () => void = () => undefined;
export function whenSessionEnds(handler: () => void): void {
  onSessionEnded = handler;
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (tokens.access) headers.authorization = `Bearer ${tokens.access}`;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  return fetch(`/api${path}`, { method, headers, body: payload });
}

/** Access tokens live 15 minutes: one refresh with the rotating refresh token, then the call again. */
async function refreshed(): Promise<boolean> {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  if (!refreshToken) return false;
  const response = await fetch('/api/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  });
  if (!response.ok) return false;
  const pair = (await response.json()) as { accessToken: string; refreshToken: string };
  tokens.save(pair.accessToken, pair.refreshToken);
  return true;
}

async function failureOf(response: Response): Promise<ApiFailure> {
  const text = await response.text();
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string; details: unknown } };
    return new ApiFailure(response.status, error.code, error.message, error.details);
  } catch {
    return new ApiFailure(response.status, 'http_error', `请求失败（${response.status}）`, null);
  }
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response = await send(method, path, body);
  if (response.status === 401 && tokens.access && !path.startsWith('/auth/login')) {
    if (await refreshed()) response = await send(method, path, body);
    else {
      tokens.clear();
      onSessionEnded();
    }
  }
  if (!response.ok) throw await failureOf(response);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
  upload: <T>(path: string, form: FormData) => request<T>('POST', path, form),
};

/** Downloads a file the API streams (XLSX, DOCX) with the caller's token, under the name the API gives. */
export async function download(path: string, fallbackName: string): Promise<void> {
  let response = await send('GET', path);
  if (response.status === 401 && (await refreshed())) response = await send('GET', path);
  if (!response.ok) throw await failureOf(response);
  const disposition = response.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const name = encoded ? decodeURIComponent(encoded) : fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

/** Query string from the set values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
