import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Col, Drawer, Flex, Form, Input, InputNumber, Radio, Row, Select, type FormRule } from 'antd';
import { useEffect, useMemo } from 'react';
import { useOrg } from '../../../app/auth';
import { errorField, errorText } from '../../../app/errors';
import { useI18n } from '../../../app/i18n';
import { isValidUscc } from '../../../app/uscc';
import { createEnterprise, updateEnterprise, type AttributeDef, type AttrValue, type EnterpriseView } from '../api';
import { attrLabel, fenToWan, isValidDate, SELF_REPORTED, useAttributes, wanToFen } from '../format';

type FormValue = string | number | boolean | string[] | null | undefined;
type FormValues = Record<string, FormValue>;

// Set by the system, not typed in: the district is the platform's own.
const NOT_EDITABLE = new Set(['district']);
const REQUIRED = new Set(['uscc', 'name', 'status']);

function initialOf(def: AttributeDef, e: EnterpriseView): FormValue {
  const raw: AttrValue | undefined = def.builtin ? (e as unknown as Record<string, AttrValue>)[def.key] : e.attrs[def.key];
  if (def.key === 'legalRep' && e.legalRepMasked) return undefined;
  if (def.type === 'money' && typeof raw === 'number') return fenToWan(raw);
  return raw ?? undefined;
}

/** Form value → API value (money back to fen, blanks to null). */
function toApi(def: AttributeDef, v: FormValue): AttrValue {
  if (v === undefined || v === null) return def.type === 'tags' ? [] : null;
  switch (def.type) {
    case 'money':
      return typeof v === 'number' ? wanToFen(v) : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'tags':
      return Array.isArray(v) ? v.map((s) => s.trim()).filter(Boolean) : [];
    default: {
      const s = String(v).trim();
      return s === '' ? null : def.key === 'uscc' ? s.toUpperCase() : s;
    }
  }
}

export interface EnterpriseFormProps {
  open: boolean;
  onClose: () => void;
  /** Absent = create a new enterprise. */
  enterprise?: EnterpriseView;
  /** The enterprise itself: only its self-reported fields. */
  selfOnly?: boolean;
  onSaved?: (view: EnterpriseView) => void;
}

export function EnterpriseFormDrawer({ open, onClose, enterprise, selfOnly = false, onSaved }: EnterpriseFormProps) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const org = useOrg();
  const catalog = useAttributes();
  const client = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const editing = enterprise !== undefined;

  const fields = useMemo(
    () => (catalog.data ?? []).filter((a) => !NOT_EDITABLE.has(a.key) && (!selfOnly || SELF_REPORTED.includes(a.key))),
    [catalog.data, selfOnly],
  );
  const initial = useMemo<FormValues>(() => {
    if (!enterprise) return { status: '存续' };
    return Object.fromEntries(fields.map((f) => [f.key, initialOf(f, enterprise)]));
  }, [enterprise, fields]);

  useEffect(() => {
    if (open) {
      form.resetFields();
      form.setFieldsValue(initial);
    }
  }, [open, form, initial]);

  const mutation = useMutation({
    mutationFn: (body: Record<string, AttrValue>) => (enterprise ? updateEnterprise(enterprise.uscc, body) : createEnterprise(body)),
    onSuccess: (view) => {
      message.success(editing ? t('pages.enterprises.saved') : t('pages.enterprises.created', { name: view.name }));
      void client.invalidateQueries({ queryKey: ['enterprises'] });
      void client.invalidateQueries({ queryKey: ['enterprise-page', view.uscc] });
      onSaved?.(view);
      onClose();
    },
    onError: (err) => {
      const field = errorField(err, fields.map((f) => f.key));
      if (field) {
        form.setFields([{ name: field, errors: [errorText(err, lang, t)] }]);
        form.scrollToField(field);
      } else message.error(errorText(err, lang, t));
    },
  });

  async function submit() {
    let values: FormValues;
    try {
      values = await form.validateFields();
    } catch {
      return; // antd shows the field messages
    }
    const body: Record<string, AttrValue> = {};
    for (const f of fields) {
      const next = toApi(f, values[f.key]);
      if (!editing) {
        if (next !== null && !(Array.isArray(next) && next.length === 0)) body[f.key] = next;
        continue;
      }
      // A masked legal representative left empty means "keep it".
      if (f.key === 'legalRep' && enterprise?.legalRepMasked && next === null) continue;
      if (f.key === 'uscc') continue;
      if (JSON.stringify(next) !== JSON.stringify(toApi(f, initial[f.key]))) body[f.key] = next;
    }
    if (editing && Object.keys(body).length === 0) {
      message.info(t('pages.enterprises.form.nothingChanged'));
      return;
    }
    mutation.mutate(body);
  }

  function rulesFor(def: AttributeDef, label: string): FormRule[] {
    const rules: FormRule[] = [];
    if (REQUIRED.has(def.key)) rules.push({ required: true, whitespace: def.type === 'text', message: t('pages.enterprises.form.required', { label }) });
    if (def.key === 'uscc') {
      rules.push({
        validator: (_, v: string | undefined) =>
          !v || isValidUscc(v.trim().toUpperCase()) ? Promise.resolve() : Promise.reject(new Error(t('pages.enterprises.form.usccInvalid'))),
      });
    }
    if (def.type === 'date') {
      rules.push({
        validator: (_, v: string | undefined) => (!v || isValidDate(v.trim()) ? Promise.resolve() : Promise.reject(new Error(t('pages.enterprises.form.dateInvalid')))),
      });
    }
    return rules;
  }

  function inputFor(def: AttributeDef) {
    if (def.key === 'street') {
      return (
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          loading={org.isPending}
          options={(org.data?.streets ?? []).map((s) => ({ value: s.code, label: s.name }))}
        />
      );
    }
    switch (def.type) {
      case 'money':
        return <InputNumber min={0} precision={2} style={{ width: '100%' }} suffix={t('pages.enterprises.unit.wanYuan')} />;
      case 'number':
        return <InputNumber min={0} precision={def.unit === '人' ? 0 : undefined} style={{ width: '100%' }} suffix={def.unit ?? undefined} />;
      case 'enum':
        return <Select allowClear options={(def.options ?? []).map((o) => ({ value: o, label: o }))} />;
      case 'tags':
        return <Select mode="tags" allowClear tokenSeparators={[',', '，', '、']} options={(def.options ?? []).map((o) => ({ value: o, label: o }))} />;
      case 'boolean':
        return (
          <Radio.Group
            options={[
              { value: true, label: t('common.yes') },
              { value: false, label: t('common.no') },
            ]}
          />
        );
      case 'date':
        return <Input placeholder="YYYY-MM-DD" maxLength={10} autoComplete="off" />;
      default:
        return (
          <Input
            autoComplete="off"
            disabled={editing && def.key === 'uscc'}
            maxLength={def.key === 'uscc' ? 18 : 500}
            style={def.key === 'uscc' ? { fontFamily: 'monospace' } : undefined}
            placeholder={def.key === 'legalRep' && enterprise?.legalRepMasked ? `${enterprise.legalRep ?? ''}（${t('pages.enterprises.form.legalRepMasked')}）` : undefined}
          />
        );
    }
  }

  const wide = new Set(['name', 'address', 'tags']);

  return (
    <Drawer
      title={editing ? t('pages.enterprises.form.editTitle') : t('pages.enterprises.create')}
      open={open}
      onClose={onClose}
      size={selfOnly ? 520 : 720}
      destroyOnHidden
      extra={
        <Flex gap={8}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={mutation.isPending} onClick={() => void submit()} data-testid="enterprise-form-save">
            {t('common.save')}
          </Button>
        </Flex>
      }
    >
      {selfOnly ? <Alert type="info" showIcon title={t('pages.enterprises.form.selfOnly')} style={{ marginBottom: 16 }} /> : null}
      <Form<FormValues> form={form} name="enterprise-form" layout="vertical" requiredMark initialValues={initial}>
        <Row gutter={16}>
          {fields.map((def) => {
            const label = attrLabel(t, def.key, def.label);
            return (
              <Col key={def.key} span={selfOnly || wide.has(def.key) ? 24 : 12}>
                <Form.Item name={def.key} label={label} rules={rulesFor(def, label)} tooltip={def.description ?? undefined}>
                  {inputFor(def)}
                </Form.Item>
              </Col>
            );
          })}
        </Row>
      </Form>
    </Drawer>
  );
}
