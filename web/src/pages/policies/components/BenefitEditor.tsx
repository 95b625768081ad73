import { Alert, Button, Col, Flex, Form, InputNumber, Radio, Row, Select, Typography } from 'antd';
import { useI18n } from '../../../app/i18n';
import type { AttributeDef } from '../../enterprises/api';
import { attrLabel } from '../../enterprises/format';
import type { Translate } from '../../../locales';
import { ROUNDINGS, type BenefitDraft, type StoredBenefit } from '../formula';

const yuan = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });

/** The formula as a sentence: 研发投入 × 5%，保底 1 万元，封顶 50 万元（向下取整）. */
export function describeBenefit(d: BenefitDraft, catalog: readonly AttributeDef[], t: Translate): string {
  const label = (k?: string) => (k ? attrLabel(t, k, catalog.find((a) => a.key === k)?.label ?? k) : '…');
  const money = (y?: number | null) => (typeof y === 'number' ? t('pages.policies.formula.yuanText', { n: yuan.format(y) }) : '…');
  let text: string;
  if (d.kind === 'none') return t('pages.policies.formula.none');
  if (d.kind === 'fixed') text = money(d.fixedYuan);
  else if (d.kind === 'rate') text = `${label(d.attribute)} × ${typeof d.ratePercent === 'number' ? d.ratePercent : '…'}%`;
  else text = t(typeof d.maxUnits === 'number' ? 'pages.policies.formula.perUnitMaxText' : 'pages.policies.formula.perUnitText', { attr: label(d.attribute), money: money(d.perUnitYuan), n: d.maxUnits ?? '' });
  const parts = [text];
  if (d.kind !== 'fixed' && typeof d.floorYuan === 'number') parts.push(t('pages.policies.formula.floorText', { money: money(d.floorYuan) }));
  if (typeof d.capYuan === 'number') parts.push(t('pages.policies.formula.capText', { money: money(d.capYuan) }));
  return `${parts.join('，')}（${t(`pages.policies.formula.rounding.${d.rounding ?? 'half_up'}`)}）`;
}

/** A formula the form cannot show, as plain text: the JsonLogic amount (in 分), cap and rounding. */
export function rawBenefitText(b: StoredBenefit, t: Translate): string {
  const parts = [t('pages.policies.formula.rawAmount', { expr: JSON.stringify(b.amount) })];
  if (b.cap !== undefined) parts.push(t('pages.policies.formula.capText', { money: t('pages.policies.formula.yuanText', { n: yuan.format(b.cap / 100) }) }));
  return `${parts.join('，')}（${t(`pages.policies.formula.rounding.${b.rounding ?? 'half_up'}`)}）`;
}

/**
 * The benefit-formula fields of the policy form (name `benefit`): no JSON typed by
 * hand. A formula it cannot represent is shown read-only and kept unless replaced.
 */
export function BenefitEditor({ catalog, raw, onRebuild }: { catalog: readonly AttributeDef[]; raw: StoredBenefit | null; onRebuild: () => void }) {
  const { t } = useI18n();
  const form = Form.useFormInstance();
  const draft = Form.useWatch<BenefitDraft | undefined>('benefit', form);
  const kind = draft?.kind ?? 'none';
  if (raw) {
    return (
      <Flex vertical gap={8} data-testid="benefit-raw">
        <Alert type="info" showIcon title={t('pages.policies.formula.readOnly')} />
        <Typography.Paragraph style={{ marginBottom: 0 }}>{rawBenefitText(raw, t)}</Typography.Paragraph>
        <div>
          <Button onClick={onRebuild}>{t('pages.policies.formula.rebuild')}</Button>
        </div>
      </Flex>
    );
  }
  const ofType = (type: string) => catalog.filter((a) => a.type === type).map((a) => ({ value: a.key, label: attrLabel(t, a.key, a.label) }));
  const required = (message: string) => [{ required: true, message }];
  const yuanInput = (testId: string) => <InputNumber min={0} precision={2} style={{ width: '100%' }} suffix={t('pages.policies.formula.yuan')} data-testid={testId} />;
  return (
    <div data-testid="benefit-editor">
      <Form.Item name={['benefit', 'kind']} label={t('pages.policies.formula.kind')} initialValue="none">
        <Radio.Group
          optionType="button"
          options={[
            { value: 'none', label: t('pages.policies.formula.kind.none') },
            { value: 'fixed', label: t('pages.policies.formula.kind.fixed') },
            { value: 'rate', label: t('pages.policies.formula.kind.rate') },
            { value: 'perUnit', label: t('pages.policies.formula.kind.perUnit') },
          ]}
          data-testid="benefit-kind"
        />
      </Form.Item>
      {kind === 'fixed' ? (
        <Form.Item name={['benefit', 'fixedYuan']} label={t('pages.policies.formula.fixed')} rules={required(t('pages.policies.formula.required'))}>
          {yuanInput('benefit-fixed')}
        </Form.Item>
      ) : null}
      {kind === 'rate' ? (
        <Row gutter={12}>
          <Col span={14}>
            <Form.Item name={['benefit', 'attribute']} label={t('pages.policies.formula.base')} rules={required(t('pages.policies.formula.required'))}>
              <Select showSearch={{ optionFilterProp: 'label' }} options={ofType('money')} data-testid="benefit-attribute" />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name={['benefit', 'ratePercent']} label={t('pages.policies.formula.rate')} rules={required(t('pages.policies.formula.required'))}>
              <InputNumber min={0} max={1000} precision={4} style={{ width: '100%' }} suffix="%" data-testid="benefit-rate" />
            </Form.Item>
          </Col>
        </Row>
      ) : null}
      {kind === 'perUnit' ? (
        <Row gutter={12}>
          <Col span={10}>
            <Form.Item name={['benefit', 'attribute']} label={t('pages.policies.formula.units')} rules={required(t('pages.policies.formula.required'))}>
              <Select showSearch={{ optionFilterProp: 'label' }} options={ofType('number')} data-testid="benefit-attribute" />
            </Form.Item>
          </Col>
          <Col span={7}>
            <Form.Item name={['benefit', 'perUnitYuan']} label={t('pages.policies.formula.perUnit')} rules={required(t('pages.policies.formula.required'))}>
              {yuanInput('benefit-per-unit')}
            </Form.Item>
          </Col>
          <Col span={7}>
            <Form.Item name={['benefit', 'maxUnits']} label={t('pages.policies.formula.maxUnits')}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      ) : null}
      {kind !== 'none' ? (
        <Row gutter={12}>
          {kind !== 'fixed' ? (
            <Col span={8}>
              <Form.Item name={['benefit', 'floorYuan']} label={t('pages.policies.formula.floor')}>
                {yuanInput('benefit-floor')}
              </Form.Item>
            </Col>
          ) : null}
          <Col span={8}>
            <Form.Item
              name={['benefit', 'capYuan']}
              label={t('pages.policies.formula.cap')}
              dependencies={[['benefit', 'floorYuan']]}
              rules={[
                ({ getFieldValue }) => ({
                  validator: (_: unknown, cap: number | null | undefined) => {
                    const floor = getFieldValue(['benefit', 'floorYuan']) as number | null | undefined;
                    return typeof cap === 'number' && typeof floor === 'number' && kind !== 'fixed' && cap < floor ? Promise.reject(new Error(t('pages.policies.formula.capBelowFloor'))) : Promise.resolve();
                  },
                }),
              ]}
            >
              {yuanInput('benefit-cap')}
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name={['benefit', 'rounding']} label={t('pages.policies.formula.roundingLabel')}>
              <Select allowClear placeholder={t('pages.policies.formula.rounding.half_up')} options={ROUNDINGS.map((r) => ({ value: r, label: t(`pages.policies.formula.rounding.${r}`) }))} />
            </Form.Item>
          </Col>
        </Row>
      ) : null}
      {draft && kind !== 'none' ? (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }} data-testid="benefit-preview">
          {t('pages.policies.formula.preview')}
          {describeBenefit(draft, catalog, t)}
        </Typography.Paragraph>
      ) : null}
    </div>
  );
}
