/**
 * The one error type of the application (DESIGN style rule 2). Codes are
 * stable UPPER_SNAKE strings; `title` is the Chinese title shown to people;
 * one Fastify error handler maps it to RFC 9457 problem+json.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly field?: string;
  readonly extra?: Record<string, unknown>;

  constructor(code: string, status: number, title: string, opts: { detail?: string; field?: string; extra?: Record<string, unknown> } = {}) {
    super(opts.detail ?? title);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.title = title;
    this.field = opts.field;
    this.extra = opts.extra;
  }
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  field?: string;
  [key: string]: unknown;
}

/** The RFC 9457 members (and ours) that `extra` may never replace: `status` is always the HTTP status number. */
const STANDARD_MEMBERS = new Set(['type', 'title', 'status', 'code', 'detail', 'field', 'instance']);

export function problemOf(err: AppError): ProblemDetails {
  const p: ProblemDetails = {
    type: `https://qifu.dev/problems/${err.code.toLowerCase().replace(/_/g, '-')}`,
    title: err.title,
    status: err.status,
    code: err.code,
  };
  if (err.message && err.message !== err.title) p.detail = err.message;
  if (err.field) p.field = err.field;
  if (err.extra) for (const [k, v] of Object.entries(err.extra)) if (!STANDARD_MEMBERS.has(k)) p[k] = v;
  return p;
}

// Common errors shared by every module.
export const Errors = {
  unauthenticated: () => new AppError('UNAUTHENTICATED', 401, '未登录或登录已过期'),
  forbidden: (detail?: string) => new AppError('FORBIDDEN', 403, '无权访问', { detail }),
  notFound: (what = '资源', detail?: string) => new AppError('NOT_FOUND', 404, `${what}不存在`, { detail }),
  validation: (field: string, detail: string) => new AppError('VALIDATION_FAILED', 400, '输入有误', { field, detail }),
  conflict: (code: string, title: string, field?: string) => new AppError(code, 409, title, { field }),
  csrf: () => new AppError('CSRF_TOKEN_INVALID', 403, '请求校验失败，请刷新页面后重试'),
};
