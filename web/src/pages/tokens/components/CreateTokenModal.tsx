import { CopyOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Flex, Form, Input, Modal, Select, Typography, type ButtonProps, type DatePickerProps } from 'antd';
import { useState } from 'react';
import { errorField, errorText } from '../../../app/errors';
import { formatDateTime } from '../../../app/format';
import { useI18n } from '../../../app/i18n';
import { createToken, type CreatedToken, type NewToken } from '../api';

type Validity = '30' | '90' | '180' | '365' | 'never' | 'date';
const VALIDITIES: readonly Validity[] = ['30', '90', '180', '365', 'never', 'date'];

interface TokenForm {
  name: string;
  validity: Validity;
  /** The picker's day (a Dayjs; antd's own dependency, not imported here). */
  date?: Exclude<NonNullable<DatePickerProps['value']>, unknown[]>;
}

/** Copies through the Clipboard API where the page may use it (HTTPS, localhost), else through a selected text area. */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the old way
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

/** Two steps: the form, then the secret — shown this once, with a copy button. */
export function CreateTokenModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<TokenForm>();
  const validity = Form.useWatch('validity', form);
  const [created, setCreated] = useState<CreatedToken | null>(null);

  const mutation = useMutation({
    mutationFn: createToken,
    onSuccess: (token) => {
      setCreated(token);
      void client.invalidateQueries({ queryKey: ['tokens'] });
    },
    onError: (err) => {
      const field = errorField(err, ['name', 'expiresAt', 'expiresInDays'] as const);
      if (field === 'name') form.setFields([{ name: 'name', errors: [errorText(err, lang, t)] }]);
      else if (field === 'expiresAt') form.setFields([{ name: 'date', errors: [errorText(err, lang, t)] }]);
      else if (field === 'expiresInDays') form.setFields([{ name: 'validity', errors: [errorText(err, lang, t)] }]);
      else message.error(errorText(err, lang, t));
    },
  });

  function close() {
    form.resetFields();
    setCreated(null);
    onClose();
  }

  async function submit() {
    let values: TokenForm;
    try {
      values = await form.validateFields();
    } catch {
      return; // antd already shows the field messages
    }
    const input: NewToken = { name: values.name.trim() };
    if (values.validity === 'date' && values.date) input.expiresAt = values.date.format('YYYY-MM-DD');
    else if (values.validity !== 'never' && values.validity !== 'date') input.expiresInDays = Number(values.validity);
    mutation.mutate(input);
  }

  async function copy() {
    if (!created) return;
    if (await copyText(created.token)) message.success(t('pages.tokens.copied'));
    else message.warning(t('pages.tokens.copyManually'));
  }

  if (created) {
    return (
      <Modal
        title={t('pages.tokens.createdTitle')}
        open={open}
        onCancel={close}
        maskClosable={false}
        footer={
          <Button type="primary" onClick={close} data-testid="token-done">
            {t('pages.tokens.done')}
          </Button>
        }
        destroyOnHidden
      >
        <Flex vertical gap={12}>
          <Alert type="warning" showIcon title={t('pages.tokens.showOnce')} />
          <Input.TextArea readOnly value={created.token} autoSize style={{ fontFamily: 'monospace', wordBreak: 'break-all' }} data-testid="token-secret" onFocus={(e) => e.currentTarget.select()} />
          <Flex justify="space-between" align="center" wrap gap={8}>
            <Typography.Text type="secondary">
              {created.name}
              {t('common.colon')}
              {created.expiresAt ? t('pages.tokens.validUntil', { time: formatDateTime(created.expiresAt) }) : t('pages.tokens.noExpiry')}
            </Typography.Text>
            <Button icon={<CopyOutlined />} onClick={() => void copy()} data-testid="token-copy">
              {t('pages.tokens.copy')}
            </Button>
          </Flex>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('pages.tokens.usage')}
          </Typography.Text>
        </Flex>
      </Modal>
    );
  }

  return (
    <Modal
      title={t('pages.tokens.create')}
      open={open}
      onOk={() => void submit()}
      onCancel={close}
      okText={t('pages.tokens.createOk')}
      cancelText={t('common.cancel')}
      confirmLoading={mutation.isPending}
      okButtonProps={{ 'data-testid': 'token-create-ok' } as ButtonProps}
      destroyOnHidden
    >
      <Form<TokenForm> form={form} name="create-token" layout="vertical" requiredMark initialValues={{ validity: '90' }} preserve={false}>
        <Form.Item
          name="name"
          label={t('pages.tokens.form.name')}
          extra={t('pages.tokens.form.nameHint')}
          rules={[
            { required: true, whitespace: true, message: t('pages.tokens.form.nameRequired') },
            { max: 100, message: t('pages.tokens.form.nameTooLong') },
          ]}
        >
          <Input maxLength={100} autoComplete="off" />
        </Form.Item>
        <Form.Item name="validity" label={t('pages.tokens.form.validity')}>
          <Select<Validity> options={VALIDITIES.map((v) => ({ value: v, label: t(`pages.tokens.validity.${v}`) }))} />
        </Form.Item>
        {validity === 'date' ? (
          <Form.Item name="date" label={t('pages.tokens.form.date')} extra={t('pages.tokens.form.dateHint')} rules={[{ required: true, message: t('pages.tokens.form.dateRequired') }]}>
            <DatePicker style={{ width: '100%' }} inputReadOnly disabledDate={(d) => d.endOf('day').valueOf() < Date.now() || d.valueOf() > Date.now() + 3650 * 86_400_000} />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}
