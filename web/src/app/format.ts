// Times shown to people are in Shanghai time whatever the browser's zone,
// as YYYY-MM-DD HH:mm:ss (the form used in government documents) in both languages.
const fmt = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export function formatDateTime(value: string | undefined | null): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const p: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of fmt.formatToParts(date)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

const dateFmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * The Asia/Shanghai date (YYYY-MM-DD) of a point in time; a plain date
 * (YYYY-MM-DD, e.g. a deadline) is already a Shanghai date and is shown as is.
 */
export function formatDate(value: string | undefined | null): string {
  if (!value) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const p: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of dateFmt.formatToParts(date)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day}`;
}

/** This year in Asia/Shanghai (a default period), whatever the browser's zone. */
export function shanghaiYear(now: Date = new Date()): string {
  return formatDate(now.toISOString()).slice(0, 4);
}
