import { useMutation } from '@tanstack/react-query';
import { Alert, App, Form, Input, Modal } from 'antd';
import { errorField, errorText } from '../../../../app/errors';
import { useI18n } from '../../../../app/i18n';
import { passwordRules } from '../../../../app/password';
import { resetPassword, type UserRow } from '../api';

interface ResetForm {
  password: string;
  confirm: string;
}

/** An admin sets a new password for a user; their sessions end and their API tokens are revoked. */
export function ResetPasswordModal({ user, onClose }: { user: UserRow | null; onClose: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<ResetForm>();

  const mutation = useMutation({
    mutationFn: (v: { id: number; password: string }) => resetPassword(v.id, v.password),
    onSuccess: (r) => {
      message.success(t('pages.users.reset.done', { username: r.username, tokens: r.revokedTokens, sessions: r.endedSessions }));
      form.resetFields();
      onClose();
    },
    onError: (err) => {
      if (errorField(err, ['password'] as const)) form.setFields([{ name: 'password', errors: [errorText(err, lang, t)] }]);
      else message.error(errorText(err, lang, t));
    },
  });

  async function submit() {
    if (!user) return;
    let values: ResetForm;
    try {
      values = await form.validateFields();
    } catch {
      return; // antd already shows the field messages
    }
    mutation.mutate({ id: user.id, password: values.password });
  }

  return (
    <Modal
      title={user ? t('pages.users.reset.title', { username: user.username }) : ''}
      open={user !== null}
      onOk={() => void submit()}
      onCancel={() => {
        form.resetFields();
        onClose();
      }}
      okText={t('pages.users.reset.ok')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={mutation.isPending}
      destroyOnHidden
    >
      <Alert type="warning" showIcon title={t('pages.users.reset.warning')} style={{ marginBottom: 16 }} />
      <Form<ResetForm> form={form} name="reset-password" layout="vertical" requiredMark={false} preserve={false}>
        <Form.Item name="password" label={t('pages.users.reset.password')} rules={passwordRules(t, t('pages.users.reset.passwordRequired'))}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('pages.password.confirm')}
          dependencies={['password']}
          rules={[
            { required: true, message: t('pages.password.confirmRequired') },
            ({ getFieldValue }) => ({
              validator: (_, value: string | undefined) => (!value || value === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(t('pages.password.mismatch')))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
