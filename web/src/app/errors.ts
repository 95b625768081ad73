import { ApiError, NETWORK_ERROR } from '../api/client';
import { isMessageKey, type Lang, type Translate } from '../locales';

/**
 * Text to show for a failed request. The server's title is already Chinese,
 * so zh-CN shows it as is; English uses our translation of the code when we
 * have one. A 429 always gets our fixed wording.
 */
export function errorText(err: unknown, lang: Lang, t: Translate): string {
  if (!(err instanceof ApiError)) return t('common.unknownError');
  if (err.code === NETWORK_ERROR) return t('common.networkError');
  if (err.status === 429) return t('errors.TOO_MANY_ATTEMPTS');
  const key = `errors.${err.code}`;
  if (lang === 'zh-CN') {
    if (!err.title) return isMessageKey(key) ? t(key) : t('common.unknownError');
    // A Chinese detail says how to fix it (e.g. which password rule failed); technical details stay out.
    return err.detail && /[\u4e00-\u9fff]/.test(err.detail) && !err.title.includes(err.detail) ? `${err.title}：${err.detail}` : err.title;
  }
  return isMessageKey(key) ? t(key) : err.title;
}

/** The form field a problem points at, if the form has such a field. */
export function errorField<F extends string>(err: unknown, fields: readonly F[]): F | null {
  if (!(err instanceof ApiError) || !err.field) return null;
  return fields.find((f) => f === err.field) ?? null;
}
