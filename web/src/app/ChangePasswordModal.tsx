import { App, Checkbox, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { changePassword } from '../api/auth';
import { errorField, errorText } from './errors';
import { useI18n } from './i18n';
import { passwordRules } from './password';

interface PasswordForm {
  currentPassword: string;
  newPassword: string;
  confirm: string;
  /** Whoever knew the old password may have made tokens too. */
  revokeTokens?: boolean;
}

export function ChangePasswordModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<PasswordForm>();
  const [saving, setSaving] = useState(false);

  async function submit() {
    let values: PasswordForm;
    try {
      values = await form.validateFields();
    } catch {
      return; // antd already shows the field messages
    }
    setSaving(true);
    try {
      const revokeTokens = values.revokeTokens === true;
      await changePassword(values.currentPassword, values.newPassword, revokeTokens);
      message.success(revokeTokens ? t('pages.password.successRevoked') : t('pages.password.success'));
      form.resetFields();
      onClose();
    } catch (err) {
      const field = errorField(err, ['currentPassword', 'newPassword'] as const);
      if (field) form.setFields([{ name: field, errors: [errorText(err, lang, t)] }]);
      else message.error(errorText(err, lang, t));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      title={t('pages.password.title')}
      open={open}
      onOk={() => void submit()}
      onCancel={() => {
        form.resetFields();
        onClose();
      }}
      okText={t('common.ok')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
    >
      <Form<PasswordForm> form={form} layout="vertical" requiredMark={false} name="change-password" onFinish={() => void submit()}>
        <Form.Item name="currentPassword" label={t('pages.password.current')} rules={[{ required: true, message: t('pages.password.currentRequired') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('pages.password.new')}
          rules={[
            ...passwordRules(t, t('pages.password.newRequired')),
            ({ getFieldValue }) => ({
              validator: (_, value: string | undefined) =>
                value && value === getFieldValue('currentPassword') ? Promise.reject(new Error(t('pages.password.sameAsCurrent'))) : Promise.resolve(),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('pages.password.confirm')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('pages.password.confirmRequired') },
            ({ getFieldValue }) => ({
              validator: (_, value: string | undefined) =>
                !value || value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('pages.password.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="revokeTokens" valuePropName="checked" extra={t('pages.password.revokeTokensHint')} style={{ marginBottom: 0 }}>
          <Checkbox data-testid="password-revoke-tokens">{t('pages.password.revokeTokens')}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}
