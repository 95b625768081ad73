/** Errors thrown by the pure code libraries; `code` is stable, `message` is Chinese. */
export type CodesErrorCode = 'INDUSTRY_CODE_INVALID' | 'INDUSTRY_CODE_UNKNOWN';

export class CodesError extends Error {
  override readonly name = 'CodesError';
  constructor(
    readonly code: CodesErrorCode,
    message: string,
  ) {
    super(message);
  }
}
