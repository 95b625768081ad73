import type { Lang } from '../locales';

// Times shown to people are in Shanghai time whatever the browser's zone.
const formatters = new Map<Lang, Intl.DateTimeFormat>();

export function formatDateTime(value: string | undefined | null, lang: Lang): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  let fmt = formatters.get(lang);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat(lang, {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    });
    formatters.set(lang, fmt);
  }
  return fmt.format(date);
}
