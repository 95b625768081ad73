import { ExperimentOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Flex, Form, Input, InputNumber, Radio, Result, Row, Select, Skeleton, Space, Statistic, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../../api/client';
import { useOrg, useSession } from '../../../app/auth';
import { errorText } from '../../../app/errors';
import { useI18n } from '../../../app/i18n';
import { isValidUscc } from '../../../app/uscc';
import { PageHeader } from '../../../app/PageHeader';
import type { AttributeDef } from '../../enterprises/api';
import { fenToWan, isValidDate, useAttributes, wanToFen } from '../../enterprises/format';
import { CATEGORIES, createPolicy, fetchPolicy, tryBenefit, tryRule, updatePolicy, type BenefitResult, type PolicyContent, type PolicyDetail, type TryResult } from '../api';
import { BenefitEditor } from '../components/BenefitEditor';
import { ExplainTree, NearMissList } from '../components/ExplainTree';
import { fromBenefit, IncompleteFormula, toBenefit, type BenefitDraft } from '../formula';
import { RuleBuilder } from '../components/RuleBuilder';
import { policyKeys } from '../format';
import { describeRule, emptyGroup, fromLogic, IncompleteRule, toLogic, type Group } from '../rules';

interface FormValues {
  title: string;
  department: string;
  docNumber?: string;
  category: PolicyContent['category'];
  mode: 'apply' | 'auto';
  keyPoints?: string;
  text?: string;
  validFrom?: string;
  validTo?: string;
  applyFrom?: string;
  applyTo?: string;
  materials?: string;
  tags?: string[];
  budget?: number | null;
  benefit?: BenefitDraft;
  owner?: string;
  phone?: string;
  qaOwner?: string;
  eligibility?: Group;
}

const YUAN = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const formatYuan = (fen: number): string => `${YUAN.format(fen / 100)} 元`;

const lines = (s: string | undefined) => (s ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
const orNull = (s: string | undefined) => (s?.trim() ? s.trim() : null);

/** The 试算 panel: the rule against every enterprise today, and one enterprise condition by condition. */
function TryPanel({ rule, benefit }: { rule: () => unknown; benefit: () => PolicyContent['benefit'] }) {
  const { t, lang } = useI18n();
  const [uscc, setUscc] = useState('');
  const [error, setError] = useState<string | null>(null);
  const run = useMutation({
    // With an enterprise and a formula: the amount it would receive, computed by the server like the real payout.
    mutationFn: async ({ r, u, b }: { r: unknown; u?: string; b: PolicyContent['benefit'] }): Promise<TryResult & { amount?: BenefitResult }> => {
      const res = await tryRule(r, u);
      return u && b ? { ...res, amount: await tryBenefit(b, u) } : res;
    },
    onError: (err) => setError(errorText(err, lang, t)),
    onSuccess: () => setError(null),
  });
  const result = run.data;
  function go() {
    const u = uscc.trim().toUpperCase();
    if (u && !isValidUscc(u)) {
      setError(t('pages.enterprises.form.usccInvalid'));
      return;
    }
    let r: unknown;
    try {
      r = rule();
    } catch {
      setError(t('pages.policies.builder.incomplete'));
      return;
    }
    let b: PolicyContent['benefit'];
    try {
      b = benefit();
    } catch {
      setError(t('pages.policies.formula.incomplete'));
      return;
    }
    run.mutate({ r, u: u || undefined, b });
  }
  return (
    <Card title={t('pages.policies.try.title')} size="small" data-testid="try-panel">
      <Flex vertical gap={12}>
        <Space.Compact style={{ width: '100%' }}>
          <Input id="try-uscc" placeholder={t('pages.policies.try.uscc')} value={uscc} maxLength={18} onChange={(e) => setUscc(e.target.value)} style={{ fontFamily: 'monospace' }} onPressEnter={go} />
          <Button type="primary" icon={<ExperimentOutlined />} loading={run.isPending} onClick={go} data-testid="try-run">
            {t('pages.policies.try.run')}
          </Button>
        </Space.Compact>
        {error ? <Alert type="error" showIcon title={error} data-testid="try-error" /> : null}
        {result && !error ? (
          <>
            <Row gutter={16}>
              <Col span={12}>
                <Statistic title={t('pages.policies.try.matched')} value={result.matched} data-testid="try-matched" />
              </Col>
              <Col span={12}>
                <Statistic title={t('pages.policies.try.unknown')} value={result.unknown} data-testid="try-unknown" />
              </Col>
            </Row>
            {result.amount ? (
              <Statistic
                title={t('pages.policies.formula.amount')}
                value={result.amount.status === 'ok' ? formatYuan(result.amount.fen) : t('pages.policies.formula.amountUnknown', { list: result.amount.missing.join('、') })}
                suffix={result.amount.status === 'ok' && result.amount.capped ? <Typography.Text type="secondary">{t('pages.policies.formula.capped')}</Typography.Text> : undefined}
                data-testid="try-amount"
              />
            ) : null}
            {result.explanation ? (
              <Flex vertical gap={8} data-testid="try-explanation">
                <Typography.Text strong>{t(result.explanation.status === 'true' ? 'pages.policies.try.eligible' : result.explanation.status === 'false' ? 'pages.policies.try.notEligible' : 'pages.policies.try.unknownStatus')}</Typography.Text>
                <ExplainTree node={result.explanation.tree} />
                {result.explanation.missing.length ? <Typography.Text type="warning">{t('pages.policies.try.missing', { list: result.explanation.missing.join('、') })}</Typography.Text> : null}
                <NearMissList nearMisses={result.explanation.nearMisses} />
              </Flex>
            ) : null}
          </>
        ) : null}
      </Flex>
    </Card>
  );
}

function PolicyForm({ policy, catalog }: { policy?: PolicyDetail; catalog: readonly AttributeDef[] }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const client = useQueryClient();
  const org = useOrg();
  const user = useSession().data?.user;
  const [form] = Form.useForm<FormValues>();
  const c = policy?.content;
  const parsed = useMemo(() => (c ? fromLogic(c.eligibility, catalog) : emptyGroup()), [c, catalog]);
  // A rule the builder cannot show stays as it is, read-only.
  const [keepRaw, setKeepRaw] = useState(parsed === null);
  const parsedBenefit = useMemo(() => fromBenefit(c?.benefit, catalog), [c, catalog]);
  // A formula the editor cannot show stays as it is, read-only.
  const [keepRawBenefit, setKeepRawBenefit] = useState(!!c?.benefit && parsedBenefit === null);
  const [refused, setRefused] = useState<string | null>(null);

  const initial: FormValues = c
    ? {
        title: c.title,
        department: c.department,
        docNumber: c.docNumber ?? undefined,
        category: c.category,
        mode: c.mode,
        keyPoints: c.keyPoints.join('\n'),
        text: c.text,
        validFrom: c.validFrom ?? undefined,
        validTo: c.validTo ?? undefined,
        applyFrom: c.applyFrom ?? undefined,
        applyTo: c.applyTo ?? undefined,
        materials: c.materials.join('\n'),
        tags: c.tags,
        budget: fenToWan(c.budget),
        benefit: parsedBenefit ?? { kind: 'none' },
        owner: c.contact?.owner,
        phone: c.contact?.phone,
        qaOwner: c.contact?.qaOwner,
        eligibility: parsed ?? emptyGroup(),
      }
    : { title: '', department: user?.role === 'dept' ? (user.department ?? '') : '', category: '资金补贴', mode: 'apply', eligibility: emptyGroup(), benefit: { kind: 'none' } };

  useEffect(() => {
    form.setFieldsValue(initial);
    // Once, when the policy arrives (initial is rebuilt on every render).
  }, [policy?.id]);

  const rule = (): unknown => (keepRaw && c ? c.eligibility : toLogic(form.getFieldValue('eligibility') as Group, catalog));
  const benefitNow = (): PolicyContent['benefit'] => (keepRawBenefit && c ? c.benefit : toBenefit((form.getFieldValue('benefit') as BenefitDraft | undefined) ?? { kind: 'none' }));

  const save = useMutation({
    mutationFn: (body: PolicyContent) => (policy ? updatePolicy(policy.id, body) : createPolicy(body)),
    onSuccess: (r) => {
      message.success(t('pages.enterprises.saved'));
      void client.invalidateQueries({ queryKey: policyKeys.all });
      void client.invalidateQueries({ queryKey: policyKeys.detail(r.id) });
      navigate(`/policies/${r.id}`);
    },
    onError: (err) => {
      // The server refuses another department's policy (403) or one that is gone for the caller (404): say so where it stays visible.
      if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
        setRefused(errorText(err, lang, t));
        window.scrollTo({ top: 0 });
        return;
      }
      const field = err instanceof ApiError ? err.field : undefined;
      const known = ['title', 'department', 'docNumber', 'category', 'mode', 'text', 'validFrom', 'validTo', 'applyFrom', 'applyTo', 'eligibility', 'materials', 'tags', 'budget'];
      if (field && known.includes(field)) {
        form.setFields([{ name: field as keyof FormValues, errors: [errorText(err, lang, t)] }]);
        form.scrollToField(field);
      } else message.error(errorText(err, lang, t));
    },
  });

  async function submit() {
    let v: FormValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    let eligibility: unknown;
    try {
      eligibility = rule();
    } catch (err) {
      if (err instanceof IncompleteRule) {
        form.setFields([{ name: 'eligibility', errors: [t('pages.policies.builder.incomplete')] }]);
        return;
      }
      throw err;
    }
    let benefit: PolicyContent['benefit'];
    try {
      benefit = benefitNow();
    } catch (err) {
      if (err instanceof IncompleteFormula) {
        form.setFields([{ name: ['benefit', err.field], errors: [t('pages.policies.formula.required')] }]);
        return;
      }
      throw err;
    }
    setRefused(null);
    const contact = v.owner || v.phone || v.qaOwner ? { ...(v.owner ? { owner: v.owner.trim() } : {}), ...(v.phone ? { phone: v.phone.trim() } : {}), ...(v.qaOwner ? { qaOwner: v.qaOwner.trim() } : {}) } : null;
    save.mutate({
      title: v.title.trim(),
      department: v.department,
      docNumber: orNull(v.docNumber),
      category: v.category,
      mode: v.mode,
      keyPoints: lines(v.keyPoints),
      text: v.text ?? '',
      validFrom: orNull(v.validFrom),
      validTo: orNull(v.validTo),
      applyFrom: orNull(v.applyFrom),
      applyTo: orNull(v.applyTo),
      eligibility,
      benefit,
      materials: lines(v.materials),
      budget: wanToFen(v.budget ?? null),
      contact,
      tags: v.tags ?? [],
    });
  }

  const ruleValidator = (_: unknown, g: Group | undefined) => {
    if (keepRaw || !g) return Promise.resolve();
    try {
      toLogic(g, catalog);
      return Promise.resolve();
    } catch {
      return Promise.reject(new Error(t('pages.policies.builder.incomplete')));
    }
  };
  const dateRule = { validator: (_: unknown, s: string | undefined) => (!s || isValidDate(s.trim()) ? Promise.resolve() : Promise.reject(new Error(t('pages.enterprises.form.dateInvalid')))) };
  const departments = org.data?.departments ?? [];
  const tagOptions = catalog.find((a) => a.key === 'tags')?.options ?? [];

  return (
    <Form<FormValues> form={form} name="policy-form" layout="vertical" initialValues={initial}>
      {refused ? <Alert type="error" showIcon closable onClose={() => setRefused(null)} style={{ marginBottom: 16 }} title={t('pages.policies.form.refused')} description={refused} data-testid="policy-refused" /> : null}
      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <Flex vertical gap={16}>
            <Card title={t('pages.policies.form.basic')}>
              <Form.Item name="title" label={t('pages.policies.form.title')} rules={[{ required: true, whitespace: true, message: t('pages.policies.form.titleRequired') }]}>
                <Input maxLength={200} />
              </Form.Item>
              <Row gutter={12}>
                <Col span={12}>
                  <Form.Item name="department" label={t('pages.policies.department')} rules={[{ required: true, message: t('pages.policies.form.departmentRequired') }]}>
                    <Select disabled={user?.role === 'dept'} showSearch={{ optionFilterProp: 'label' }} options={departments.map((d) => ({ value: d.code, label: d.name }))} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="docNumber" label={t('pages.policies.docNumber')}>
                    <Input maxLength={100} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="category" label={t('pages.policies.category')} rules={[{ required: true }]}>
                    <Select options={CATEGORIES.map((x) => ({ value: x, label: x }))} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="mode" label={t('pages.policies.mode')} rules={[{ required: true }]}>
                    <Radio.Group
                      options={[
                        { value: 'apply', label: t('pages.policies.mode.apply') },
                        { value: 'auto', label: t('pages.policies.mode.auto') },
                      ]}
                    />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item name="validFrom" label={t('pages.policies.form.validFrom')} rules={[dateRule]}>
                    <Input placeholder="YYYY-MM-DD" maxLength={10} />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item name="validTo" label={t('pages.policies.form.validTo')} rules={[dateRule]}>
                    <Input placeholder="YYYY-MM-DD" maxLength={10} />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item name="applyFrom" label={t('pages.policies.form.applyFrom')} rules={[dateRule]}>
                    <Input placeholder="YYYY-MM-DD" maxLength={10} />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item name="applyTo" label={t('pages.policies.form.applyTo')} rules={[dateRule]}>
                    <Input placeholder="YYYY-MM-DD" maxLength={10} />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="keyPoints" label={t('pages.policies.keyPoints')} extra={t('pages.policies.form.onePerLine')}>
                <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
              </Form.Item>
              <Form.Item name="text" label={t('pages.policies.text')} extra={t('pages.policies.form.textHint')}>
                <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} />
              </Form.Item>
            </Card>
          </Flex>
        </Col>
        <Col xs={24} xl={10}>
          <Flex vertical gap={16}>
            <Card title={t('pages.policies.form.more')}>
              <Form.Item name="materials" label={t('pages.policies.materials')} extra={t('pages.policies.form.onePerLine')}>
                <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
              </Form.Item>
              <Form.Item name="tags" label={t('pages.policies.tags')}>
                <Select mode="tags" tokenSeparators={[',', '，', '、']} options={tagOptions.map((o) => ({ value: o, label: o }))} />
              </Form.Item>
              <Row gutter={12}>
                <Col span={12}>
                  <Form.Item name="budget" label={t('pages.policies.budget')}>
                    <InputNumber min={0} precision={2} style={{ width: '100%' }} suffix={t('pages.enterprises.unit.wanYuan')} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="owner" label={t('pages.policies.whoUpdates')}>
                    <Input maxLength={100} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="qaOwner" label={t('pages.policies.whoAnswers')}>
                    <Input maxLength={100} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="phone" label={t('pages.policies.form.phone')}>
                    <Input maxLength={50} />
                  </Form.Item>
                </Col>
              </Row>
            </Card>
            <Card title={t('pages.policies.form.benefit')} data-testid="benefit-card">
              <BenefitEditor
                catalog={catalog}
                raw={keepRawBenefit && c?.benefit ? c.benefit : null}
                onRebuild={() => {
                  form.setFieldValue('benefit', { kind: 'none' });
                  setKeepRawBenefit(false);
                }}
              />
            </Card>
          </Flex>
        </Col>
      </Row>
      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col xs={24} xl={14}>
          <Card title={t('pages.policies.eligibility')} data-testid="rule-builder">
            {keepRaw && c ? (
              <Flex vertical gap={8}>
                <Alert type="info" showIcon title={t('pages.policies.builder.readOnly')} />
                <Typography.Paragraph>{describeRule(c.eligibility, catalog, t)}</Typography.Paragraph>
                <div>
                  <Button
                    onClick={() => {
                      form.setFieldValue('eligibility', emptyGroup());
                      setKeepRaw(false);
                    }}
                  >
                    {t('pages.policies.builder.rebuild')}
                  </Button>
                </div>
              </Flex>
            ) : null}
            <Form.Item name="eligibility" hidden={keepRaw} style={{ marginBottom: 0 }} rules={[{ validator: ruleValidator }]}>
              <RuleBuilder catalog={catalog} />
            </Form.Item>
            <Form.Item noStyle shouldUpdate>
              {() => {
                let text: string;
                try {
                  text = keepRaw ? '' : describeRule(toLogic(form.getFieldValue('eligibility') as Group, catalog), catalog, t);
                } catch {
                  text = '';
                }
                return text ? (
                  <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }} data-testid="rule-preview">
                    {t('pages.policies.builder.preview')}
                    {text}
                  </Typography.Paragraph>
                ) : null;
              }}
            </Form.Item>
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <TryPanel rule={rule} benefit={benefitNow} />
        </Col>
      </Row>
      <Flex gap={8} justify="flex-end" style={{ marginTop: 16 }}>
        <Button onClick={() => navigate(policy ? `/policies/${policy.id}` : '/policies')}>{t('common.cancel')}</Button>
        <Button type="primary" loading={save.isPending} onClick={() => void submit()} data-testid="policy-save">
          {t('pages.policies.form.saveDraft')}
        </Button>
      </Flex>
    </Form>
  );
}

/** /policies/new and /policies/:id/edit — admin and department staff; drafts only. */
export function PolicyEditPage() {
  const { t, lang } = useI18n();
  const { id } = useParams();
  const user = useSession().data?.user;
  const catalog = useAttributes();
  const query = useQuery({ queryKey: policyKeys.detail(id ?? 'new'), queryFn: () => fetchPolicy(id!), enabled: id !== undefined, retry: false });
  if (catalog.isPending || (id !== undefined && query.isPending)) return <Skeleton active />;
  if (catalog.isError) return <Result status="error" title={t('common.loadFailed')} subTitle={errorText(catalog.error, lang, t)} />;
  if (query.isError) {
    // The server's refusal, as it gave it: another department's draft does not exist for the caller (404).
    const status = query.error instanceof ApiError && (query.error.status === 403 || query.error.status === 404) ? query.error.status : null;
    return <Result status={status ? (String(status) as '403' | '404') : 'error'} title={status ?? t('common.loadFailed')} subTitle={errorText(query.error, lang, t)} data-testid="policy-edit-refused" />;
  }
  // Department staff write their own department's policies only (the server refuses the rest).
  if (query.data && user?.role === 'dept' && user.department !== query.data.department) return <Result status="403" title="403" subTitle={t('pages.policies.form.otherDepartment')} data-testid="policy-edit-refused" />;
  if (query.data && query.data.status !== 'draft') return <Result status="warning" title={t('pages.policies.form.onlyDrafts')} />;
  return (
    <>
      <PageHeader title={query.data ? t('pages.policies.form.editTitle') : t('pages.policies.create')} />
      <PolicyForm policy={query.data} catalog={catalog.data} />
    </>
  );
}
