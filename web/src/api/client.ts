// Thin fetch wrapper: JSON in/out, session cookie, CSRF header on writes,
// RFC 9457 problem details turned into ApiError.

export interface Problem {
  type?: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  field?: string;
}

export class ApiError extends Error {
  readonly code: string;
  readonly title: string;
  readonly status: number;
  readonly field: string | undefined;
  readonly detail: string | undefined;

  constructor(problem: Problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = 'ApiError';
    this.code = problem.code;
    this.title = problem.title;
    this.status = problem.status;
    this.field = problem.field;
    this.detail = problem.detail;
  }
}

/** Status 0: the request never got an HTTP answer. */
export const NETWORK_ERROR = 'NETWORK_ERROR';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Query = Readonly<Record<string, string | number | boolean | undefined | null>>;

// The token arrives with login / me; kept in memory only, the cookie carries the session.
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

async function toError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (proxy error page, empty body): fall back to the status line.
  }
  if (isRecord(body) && typeof body.title === 'string') {
    return new ApiError({
      type: typeof body.type === 'string' ? body.type : undefined,
      title: body.title,
      // The HTTP status is authoritative (a problem's `status` member repeats it, RFC 9457).
      status: res.status,
      code: typeof body.code === 'string' ? body.code : `HTTP_${res.status}`,
      detail: typeof body.detail === 'string' ? body.detail : undefined,
      field: typeof body.field === 'string' ? body.field : undefined,
    });
  }
  return new ApiError({ title: res.statusText || `HTTP ${res.status}`, status: res.status, code: `HTTP_${res.status}` });
}

async function send(method: Method, path: string, body?: unknown, accept = 'application/json'): Promise<Response> {
  const headers: Record<string, string> = { accept };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError({ title: 'Network error', status: 0, code: NETWORK_ERROR });
  }
  if (!res.ok) throw await toError(res);
  return res;
}

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const res = await send(method, path, body);
  // 204 and empty bodies resolve to undefined; callers type those as void.
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

function fileNameFrom(res: Response, fallback: string): string {
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      // Malformed encoding: use the plain filename or the fallback.
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  return plain?.[1] ?? fallback;
}

/**
 * Downloads a file through fetch (not a bare link) so that an error such as
 * an expired session shows as a message instead of a broken download.
 */
export async function download(path: string, query: Query | undefined, fallbackName: string): Promise<string> {
  const res = await send('GET', withQuery(path, query), undefined, '*/*');
  const name = fileNameFrom(res, fallbackName);
  const url = URL.createObjectURL(await res.blob());
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  } finally {
    // Let the click start the download before the URL goes away.
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return name;
}
