import type { Catalog } from '../../core/rules/index.ts';
import { appendAudit, type Actor } from '../../platform/audit.ts';
import { markChanged } from '../../platform/changes.ts';
import type { Db, Executor } from '../../platform/db/schema.ts';
import { AppError, Errors } from '../../platform/errors.ts';
import { ATTRIBUTE_KEY_PATTERN, BUILTIN_ATTRIBUTES, BUILTIN_BY_KEY, isReservedKey, type AttributeDef, type AttributeType } from './domain/attributes.ts';

const TYPES: readonly AttributeType[] = ['number', 'money', 'date', 'enum', 'tags', 'text', 'boolean'];

/** Built-in attributes followed by those added at runtime, keyed by attribute key. */
export async function loadCatalog(db: Executor): Promise<Map<string, AttributeDef>> {
  const map = new Map<string, AttributeDef>(BUILTIN_ATTRIBUTES.map((a) => [a.key, a]));
  const rows = await db.selectFrom('enterprise_attributes').selectAll().orderBy('created_at').execute();
  for (const r of rows) map.set(r.key, { key: r.key, label: r.label, type: r.type as AttributeType, unit: r.unit, options: r.options, description: r.description, builtin: false, ...(r.personal ? { personal: true } : {}) });
  return map;
}

/** The catalog in the form the rules engine validates against (§3a); `personal` travels along for masking (personalAttributes). */
export async function rulesCatalog(db: Executor): Promise<Catalog> {
  const out: Record<string, { type: AttributeType; label: string; values?: string[]; personal?: true }> = {};
  for (const a of (await loadCatalog(db)).values()) out[a.key] = { type: a.type, label: a.label, ...(a.options && a.type !== 'tags' ? { values: [...a.options] } : {}), ...(a.personal ? { personal: true as const } : {}) };
  return out;
}

export interface NewAttribute {
  key: string;
  label: string;
  type: AttributeType;
  unit?: string | null;
  options?: string[] | null;
  description?: string | null;
  /** Personal data (names, personal id numbers): masked for everyone but admin and the enterprise itself. Text only. */
  personal?: boolean;
}

export async function addAttribute(db: Db, actor: Actor, input: NewAttribute): Promise<AttributeDef> {
  if (!ATTRIBUTE_KEY_PATTERN.test(input.key) || isReservedKey(input.key)) throw Errors.validation('key', '属性标识须以小写字母开头，只含字母、数字和下划线，2–41 位，且不能是保留字');
  if (BUILTIN_BY_KEY.has(input.key)) throw Errors.conflict('ATTRIBUTE_EXISTS', '属性已存在', 'key');
  if (!TYPES.includes(input.type)) throw Errors.validation('type', `类型须为 ${TYPES.join('/')}`);
  const label = input.label.trim();
  if (!label) throw Errors.validation('label', '名称不能为空');
  const options = input.options ? [...new Set(input.options.map((o) => o.trim()).filter(Boolean))] : null;
  if (input.type === 'enum' && (!options || options.length === 0)) throw Errors.validation('options', '枚举类型必须给出可选值');
  const personal = input.personal === true;
  if (personal && input.type !== 'text') throw Errors.validation('personal', '个人信息属性须为文本类型（如姓名、身份证号）');
  const created = await db.transaction().execute(async (tx) => {
    const exists = await tx.selectFrom('enterprise_attributes').select('key').where('key', '=', input.key).executeTakeFirst();
    if (exists) throw new AppError('ATTRIBUTE_EXISTS', 409, '属性已存在', { field: 'key' });
    await tx
      .insertInto('enterprise_attributes')
      .values({ key: input.key, label, type: input.type, unit: input.unit ?? null, options: options ? JSON.stringify(options) : null, description: input.description ?? null, personal })
      .execute();
    await appendAudit(tx, actor, { action: 'enterprise.attribute.create', target: `attribute:${input.key}`, change: { ...input, options, personal } });
    return { key: input.key, label, type: input.type, unit: input.unit ?? null, options, description: input.description ?? null, builtin: false, ...(personal ? { personal } : {}) } satisfies AttributeDef;
  });
  markChanged('attributes');
  return created;
}
