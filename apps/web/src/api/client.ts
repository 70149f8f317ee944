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

/**
 * The access token lives in this tab's memory only; the refresh token in an HttpOnly cookie the API sets for
 * /api/auth (apps/api/src/auth/refresh-cookie.ts), out of reach of scripts. Every tab of the browser renews its own
 * access token from that cookie, so a link opened in a new tab finds the session.
 */
let accessToken: string | null = null;

/** Asks the API to keep the refresh token in its cookie rather than in the answer. */
const SESSION_COOKIE = { 'x-session-cookie': '1' };

export const tokens = {
  get access(): string | null {
    return accessToken;
  },
  save(access: string): void {
    accessToken = access;
  },
  clear(): void {
    accessToken = null;
  },
};

/** Called when the session has ended for good (refresh refused): the app goes back to the login page. */
let onSessionEnded: () => void = () => undefined;
export function whenSessionEnds(handler: () => void): void {
  onSessionEnded = handler;
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { ...SESSION_COOKIE };
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  return fetch(`/api${path}`, { method, headers, body: payload });
}

let refreshing: Promise<boolean> | null = null;

/**
 * A new access token from the refresh cookie (access tokens live 15 minutes). The refresh token rotates and a reused
 * one ends the session, so one refresh at a time: one per tab (shared by its callers), one per browser (a Web Lock,
 * where the browser has them: the next tab's refresh then sends the cookie the last one set).
 */
export function refreshed(): Promise<boolean> {
  if (refreshing) return refreshing;
  const once = (navigator.locks ? navigator.locks.request('duban-refresh', refreshFromCookie).then((ok) => ok) : refreshFromCookie()).catch(() => false);
  refreshing = once.finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function refreshFromCookie(): Promise<boolean> {
  const response = await fetch('/api/auth/refresh', { method: 'POST', headers: { ...SESSION_COOKIE, 'content-type': 'application/json' }, body: '{}' });
  if (!response.ok) {
    // Read the refusal to its end: an unread body keeps the request open in the browser (never network-idle).
    await response.text();
    return false;
  }
  accessToken = ((await response.json()) as { accessToken: string }).accessToken;
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
  if (response.status === 401 && accessToken && !path.startsWith('/auth/login')) {
    if (await refreshed()) {
      await response.text(); // the refused answer, read to its end before it is replaced
      response = await send(method, path, body);
    } else {
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
