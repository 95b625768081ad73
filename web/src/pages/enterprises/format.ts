import { useQuery } from '@tanstack/react-query';
import { isMessageKey, type Translate } from '../../locales';
import { fetchAttributes, type AttributeDef, type AttrValue } from './api';

export const ATTRIBUTES_KEY = ['enterprise-attributes'] as const;

/** The attribute catalog (built-in and custom); changes rarely. */
export function useAttributes() {
  return useQuery({ queryKey: ATTRIBUTES_KEY, queryFn: fetchAttributes, staleTime: 60_000, select: (d) => d.items });
}

/** Fields an enterprise may report about itself (the server's SELF_REPORTED). */
export const SELF_REPORTED: readonly string[] = ['address', 'employees', 'insuredEmployees', 'revenue', 'taxPaid', 'rdSpending'];

/** Built-in labels are translated; custom attributes keep the label they were given. */
export function attrLabel(t: Translate, key: string, fallback: string): string {
  const k = `pages.enterprises.attr.${key}`;
  return isMessageKey(k) ? t(k) : fallback;
}

export function labelOf(t: Translate, catalog: readonly AttributeDef[] | undefined, key: string | null): string {
  if (!key) return t('common.none');
  return attrLabel(t, key, catalog?.find((a) => a.key === key)?.label ?? key);
}

const WAN = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const INT = new Intl.NumberFormat('zh-CN');

/** Fen as 万元 with two decimals, e.g. 500000000 → "500.00 万元". */
export function formatMoney(t: Translate, fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return t('common.none');
  return `${WAN.format(fen / 1_000_000)} ${t('pages.enterprises.unit.wanYuan')}`;
}

export function fenToWan(fen: number | null | undefined): number | null {
  return fen === null || fen === undefined ? null : fen / 1_000_000;
}

export function wanToFen(wan: number | null | undefined): number | null {
  return wan === null || wan === undefined ? null : Math.round(wan * 1_000_000);
}

/** One attribute value as text, by catalog type (money in 万元, units appended). */
export function formatValue(t: Translate, type: AttributeDef['type'], unit: string | null, value: AttrValue | undefined): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return t('common.none');
  if (type === 'money' && typeof value === 'number') return formatMoney(t, value);
  if (type === 'boolean') return value === true ? t('common.yes') : value === false ? t('common.no') : String(value);
  if (Array.isArray(value)) return value.join('、');
  if (type === 'number' && typeof value === 'number') return unit ? `${INT.format(value)} ${unit}` : INT.format(value);
  return String(value);
}

/** antd Tag colours for the registration statuses (存续/在业, 歇业, 吊销, 注销). */
export function statusColor(status: string): string {
  if (status === '存续' || status === '在业') return 'green';
  if (status === '歇业') return 'orange';
  if (status === '吊销') return 'red';
  return 'default';
}

export function creditColor(grade: string | null): string {
  return grade === 'A' ? 'green' : grade === 'B' ? 'blue' : grade === 'C' ? 'orange' : grade === 'D' ? 'red' : 'default';
}

export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isValidDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
