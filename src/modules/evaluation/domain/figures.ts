/** 政策评估 (P-8) arithmetic, pure. */

/** Median of the values, one decimal; null when there are none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const m = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return Math.round(m * 10) / 10;
}

/** Calendar days between two instants, counted on Asia/Shanghai dates (same day = 0). */
export function daysBetween(fromIso: string, toIso: string): number {
  const day = (iso: string) => Math.floor((new Date(iso).getTime() + 8 * 3600_000) / 86_400_000);
  return day(toIso) - day(fromIso);
}
