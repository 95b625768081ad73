/**
 * The one clock of the server for calendar dates (SPEC DESIGN style 5): a
 * date meant for a person — "today", a deadline's start, the day something
 * happened — is the date in Asia/Shanghai, never the UTC date (which is
 * yesterday between 00:00 and 08:00 Beijing time). China has kept UTC+8 all
 * year since 1991, so the offset is fixed.
 */
export const TIME_ZONE = 'Asia/Shanghai';
const OFFSET_MS = 8 * 3600_000;

/** The Asia/Shanghai calendar date (YYYY-MM-DD) of an instant. Pure. */
export function shanghaiDate(instant: Date | string | number): string {
  const ms = instant instanceof Date ? instant.getTime() : new Date(instant).getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a point in time: ${String(instant)}`);
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
}

/** Today in Asia/Shanghai. */
export function todayInShanghai(): string {
  return shanghaiDate(Date.now());
}

/** The current year in Asia/Shanghai, e.g. "2026" (the period of an application or a batch). */
export function yearInShanghai(): string {
  return todayInShanghai().slice(0, 4);
}
