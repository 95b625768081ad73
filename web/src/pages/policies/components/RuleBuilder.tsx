import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Input, InputNumber, Radio, Select, Typography } from 'antd';
import { useI18n } from '../../../app/i18n';
import type { MessageKey } from '../../../locales';
import type { AttributeDef } from '../../enterprises/api';
import { attrLabel } from '../../enterprises/format';
import { emptyCond, emptyGroup, OPS_BY_TYPE, type Cond, type CondOp, type CondValue, type Group } from '../rules';

const OP_LABEL: Record<CondOp, MessageKey> = {
  '==': 'pages.policies.op.eq',
  '!=': 'pages.policies.op.ne',
  '>': 'pages.policies.op.gt',
  '>=': 'pages.policies.op.ge',
  '<': 'pages.policies.op.lt',
  '<=': 'pages.policies.op.le',
  between: 'pages.policies.op.between',
  in: 'pages.policies.op.in',
  notIn: 'pages.policies.op.notIn',
  contains: 'pages.policies.op.contains',
  notContains: 'pages.policies.op.notContains',
  has_any: 'pages.policies.op.hasAny',
  has_all: 'pages.policies.op.hasAll',
  starts_with: 'pages.policies.op.startsWith',
  before: 'pages.policies.op.before',
  after: 'pages.policies.op.after',
  yearsAtLeast: 'pages.policies.op.yearsAtLeast',
  yearsWithin: 'pages.policies.op.yearsWithin',
  is: 'pages.policies.op.is',
};

// Attributes that make no sense in an eligibility rule.
const NOT_IN_RULES = new Set(['uscc', 'name', 'legalRep', 'address', 'district']);

interface Props {
  value?: Group;
  onChange?: (g: Group) => void;
  catalog: readonly AttributeDef[];
}

function ValueInput({ id, def, cond, onChange }: { id: string; def: AttributeDef | undefined; cond: Cond; onChange: (v: CondValue) => void }) {
  const { t } = useI18n();
  if (!def || !cond.op) return <Input id={id} disabled style={{ width: 170 }} />;
  const options = (def.options ?? []).map((o) => ({ value: o, label: o }));
  const multi = cond.op === 'in' || cond.op === 'notIn' || cond.op === 'has_any' || cond.op === 'has_all';
  if (multi) {
    return (
      <Select
        id={id}
        mode={def.type === 'tags' ? 'tags' : 'multiple'}
        style={{ minWidth: 170 }}
        options={options}
        value={Array.isArray(cond.value) ? (cond.value as string[]) : []}
        onChange={(v: string[]) => onChange(v)}
      />
    );
  }
  if (cond.op === 'between') {
    const [lo, hi] = Array.isArray(cond.value) ? (cond.value as Array<number | null>) : [null, null];
    const suffix = def.type === 'money' ? t('pages.enterprises.unit.wanYuan') : (def.unit ?? undefined);
    const num = (x: unknown) => (typeof x === 'number' ? x : null);
    return (
      <Flex gap={4} align="center">
        <InputNumber id={id} style={{ width: 110 }} suffix={suffix} value={num(lo)} onChange={(v) => onChange([v ?? null, num(hi)])} />
        ~
        <InputNumber id={`${id}_hi`} style={{ width: 110 }} suffix={suffix} value={num(hi)} onChange={(v) => onChange([num(lo), v ?? null])} />
      </Flex>
    );
  }
  if (cond.op === 'contains' || cond.op === 'notContains' || (def.type === 'enum' && cond.op === '==')) {
    return <Select id={id} showSearch style={{ width: 170 }} options={options} value={typeof cond.value === 'string' ? cond.value : undefined} onChange={(v: string) => onChange(v)} />;
  }
  if (cond.op === 'is') {
    return (
      <Radio.Group
        id={id}
        value={cond.value}
        onChange={(e) => onChange(e.target.value as boolean)}
        options={[
          { value: true, label: t('common.yes') },
          { value: false, label: t('common.no') },
        ]}
      />
    );
  }
  if (cond.op === 'yearsAtLeast' || cond.op === 'yearsWithin') {
    return <InputNumber id={id} min={0} max={200} precision={0} style={{ width: 170 }} suffix={t('pages.policies.builder.years')} value={typeof cond.value === 'number' ? cond.value : null} onChange={(v) => onChange(v ?? undefined)} />;
  }
  if (def.type === 'number' || def.type === 'money') {
    return (
      <InputNumber
        id={id}
        style={{ width: 170 }}
        suffix={def.type === 'money' ? t('pages.enterprises.unit.wanYuan') : (def.unit ?? undefined)}
        precision={def.type === 'money' ? 2 : undefined}
        value={typeof cond.value === 'number' ? cond.value : null}
        onChange={(v) => onChange(v ?? undefined)}
      />
    );
  }
  return (
    <Input
      id={id}
      style={{ width: 170 }}
      autoComplete="off"
      placeholder={def.type === 'date' ? 'YYYY-MM-DD' : def.key === 'industry' ? t('pages.policies.builder.industryHint') : undefined}
      value={typeof cond.value === 'string' ? cond.value : ''}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

function CondRow({ cond, path, catalog, onChange, onRemove }: { cond: Cond; path: string; catalog: readonly AttributeDef[]; onChange: (c: Cond) => void; onRemove: () => void }) {
  const { t } = useI18n();
  const def = catalog.find((a) => a.key === cond.attr);
  const ops = def ? OPS_BY_TYPE[def.type] : [];
  return (
    <Flex gap={6} align="center" wrap data-testid={`rule-row-${path}`}>
      <Select
        id={`rule_${path}_attr`}
        showSearch={{ optionFilterProp: 'label' }}
        placeholder={t('pages.policies.builder.attribute')}
        style={{ width: 140 }}
        value={cond.attr}
        options={catalog.filter((a) => !NOT_IN_RULES.has(a.key)).map((a) => ({ value: a.key, label: attrLabel(t, a.key, a.label) }))}
        onChange={(attr: string) => {
          const next = catalog.find((a) => a.key === attr);
          onChange({ ...cond, attr, op: next ? OPS_BY_TYPE[next.type][0] : undefined, value: undefined });
        }}
      />
      <Select
        id={`rule_${path}_op`}
        placeholder={t('pages.policies.builder.operator')}
        style={{ width: 124 }}
        value={cond.op}
        disabled={!def}
        options={ops.map((op) => ({ value: op, label: t(OP_LABEL[op]) }))}
        onChange={(op: CondOp) => onChange({ ...cond, op, value: undefined })}
      />
      <ValueInput id={`rule_${path}_value`} def={def} cond={cond} onChange={(value) => onChange({ ...cond, value })} />
      <Button type="text" danger icon={<DeleteOutlined />} onClick={onRemove} aria-label={t('pages.policies.builder.remove')} />
    </Flex>
  );
}

function GroupBox({ group, path, depth, catalog, onChange, onRemove }: { group: Group; path: string; depth: number; catalog: readonly AttributeDef[]; onChange: (g: Group) => void; onRemove?: () => void }) {
  const { t } = useI18n();
  const set = (i: number, child: Cond | Group) => onChange({ ...group, children: group.children.map((c, j) => (j === i ? child : c)) });
  const remove = (i: number) => onChange({ ...group, children: group.children.filter((_, j) => j !== i) });
  const prefix = path ? `${path}_` : '';
  return (
    <Card
      size="small"
      data-testid={`rule-group-${path || 'root'}`}
      style={{ background: depth % 2 ? '#fafafa' : '#fff' }}
      title={
        <Flex gap={8} align="center">
          <Radio.Group
            size="small"
            optionType="button"
            buttonStyle="solid"
            value={group.combinator}
            onChange={(e) => onChange({ ...group, combinator: e.target.value as 'and' | 'or' })}
            options={[
              { value: 'and', label: t('pages.policies.builder.and') },
              { value: 'or', label: t('pages.policies.builder.or') },
            ]}
          />
        </Flex>
      }
      extra={onRemove ? <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={onRemove} aria-label={t('pages.policies.builder.remove')} /> : null}
    >
      <Flex vertical gap={8}>
        {group.children.map((c, i) =>
          c.kind === 'group' ? (
            <GroupBox key={c.id} group={c} path={`${prefix}${i}`} depth={depth + 1} catalog={catalog} onChange={(g) => set(i, g)} onRemove={() => remove(i)} />
          ) : (
            <CondRow key={c.id} cond={c} path={`${prefix}${i}`} catalog={catalog} onChange={(n) => set(i, n)} onRemove={() => remove(i)} />
          ),
        )}
        {group.children.length === 0 ? <Typography.Text type="secondary">{t('pages.policies.builder.empty')}</Typography.Text> : null}
        <Flex gap={8}>
          <Button size="small" icon={<PlusOutlined />} onClick={() => onChange({ ...group, children: [...group.children, emptyCond()] })} data-testid={`rule-add-${path || 'root'}`}>
            {t('pages.policies.builder.addCondition')}
          </Button>
          {depth < 2 ? (
            <Button size="small" icon={<PlusOutlined />} onClick={() => onChange({ ...group, children: [...group.children, emptyGroup(group.combinator === 'and' ? 'or' : 'and')] })} data-testid={`rule-add-group-${path || 'root'}`}>
              {t('pages.policies.builder.addGroup')}
            </Button>
          ) : null}
        </Flex>
      </Flex>
    </Card>
  );
}

/** Visual JsonLogic builder over the attribute catalog: groups (全部满足 / 任一满足) of attribute–operator–value rows. */
export function RuleBuilder({ value, onChange, catalog }: Props) {
  const group = value ?? emptyGroup();
  return <GroupBox group={group} path="" depth={0} catalog={catalog} onChange={(g) => onChange?.(g)} />;
}
