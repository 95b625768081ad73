/**
 * The masking rule (SPEC §11), pure: personal data of an enterprise — its
 * 法定代表人 and any attribute the catalog marks `personal` (names, personal
 * id numbers) — leaves the server masked, whatever the path, except to admin
 * and the enterprise itself (who may see it is decided in scope.ts).
 */

/** A value as the masking rule shows it: first character kept, the rest starred (张** / 欧阳**, 3****************). */
export function maskValue<T>(value: T): T | string {
  if (typeof value === 'string') {
    if (value === '') return value;
    const chars = [...value];
    return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
  }
  if (Array.isArray(value)) return value.map((v) => maskValue(v)) as T;
  // Personal attributes are text (the catalog refuses other types); anything else is hidden whole.
  return value === null || value === undefined ? value : '***';
}

/** `values` with its personal attributes masked: the same object when there is nothing to mask. */
export function maskPersonal<T extends Record<string, unknown>>(values: T, personal: Iterable<string>): T {
  let out: T | null = null;
  for (const key of personal) {
    const v = values[key];
    if (v === null || v === undefined || v === '') continue;
    out ??= { ...values };
    (out as Record<string, unknown>)[key] = maskValue(v);
  }
  return out ?? values;
}

/**
 * Pairs (full value → masked value) of the personal attributes that `values` holds: what must
 * not appear in an output that may quote them anywhere (explanations, near misses, texts).
 */
export function personalReplacements(values: Record<string, unknown>, personal: Iterable<string>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const key of personal) {
    const v = values[key];
    for (const s of Array.isArray(v) ? v : [v]) {
      if (typeof s === 'string' && s !== '') pairs.push([s, maskValue(s) as string]);
    }
  }
  // Longest first, so a value that contains another is replaced whole.
  return pairs.sort((a, b) => b[0].length - a[0].length);
}

/**
 * A JSON-like output with every occurrence of a full personal value, in any string or object
 * key, replaced by its mask. Used where the values are quoted inside free text (an explanation
 * reads "法定代表人 = 张三（当前：李四）"), so no field-by-field rule could find them all.
 */
export function replaceQuoted<T>(output: T, pairs: ReadonlyArray<readonly [string, string]>): T {
  if (pairs.length === 0) return output;
  const text = (s: string): string => {
    let r = s;
    for (const [full, masked] of pairs) if (r.includes(full)) r = r.split(full).join(masked);
    return r;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), walk(x)]));
    return v;
  };
  return walk(output) as T;
}
