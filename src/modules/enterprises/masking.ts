import type { Catalog } from '../../core/rules/index.ts';
import type { AuthUser } from '../../platform/access.ts';
import { PERSONAL_ATTRIBUTES, type AttributeDef } from './domain/attributes.ts';
import { maskPersonal, personalReplacements, replaceQuoted } from './domain/masking.ts';
import { seesPersonalData } from './scope.ts';

/**
 * What one viewer may see of one enterprise's values (SPEC §11): the single masking rule
 * every serializer of enterprise values goes through — lists, pages, history, exports,
 * 政策体检 and 试算 explanations, application forms. Personal attributes (法定代表人 and
 * those the catalog marks `personal`) are masked unless the viewer is admin or the
 * enterprise itself.
 */
export interface EnterpriseMask<T> {
  /** False when nothing would change: the viewer sees personal data, or the values hold none. */
  readonly active: boolean;
  /** The values with the personal attributes masked (the same object when not active). */
  readonly values: T;
  /** An output built from these values that may quote them anywhere (explanation texts), with every full personal value masked. */
  quoted<O>(output: O): O;
}

export function enterpriseMask<T extends Record<string, unknown>>(viewer: AuthUser | null, uscc: string, values: T, personal: Iterable<string> = PERSONAL_ATTRIBUTES): EnterpriseMask<T> {
  const keys = seesPersonalData(viewer, uscc) ? [] : [...personal];
  const masked = maskPersonal(values, keys);
  if (masked === values) return { active: false, values, quoted: (o) => o };
  const pairs = personalReplacements(values, keys);
  return { active: true, values: masked, quoted: (o) => replaceQuoted(o, pairs) };
}

/** The personal attributes of a catalog: the enterprises module's (loadCatalog) or the rules engine's form of it (rulesCatalog). */
export function personalAttributes(catalog: ReadonlyMap<string, AttributeDef> | Catalog): ReadonlySet<string> {
  const out = new Set<string>();
  const entries: Iterable<[string, unknown]> = catalog instanceof Map ? catalog.entries() : Object.entries(catalog);
  for (const [key, def] of entries) if (typeof def === 'object' && def !== null && (def as { personal?: unknown }).personal === true) out.add(key);
  return out;
}
