import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Form, Input, Modal, Select } from 'antd';
import { useOrg } from '../../../../app/auth';
import { errorField, errorText } from '../../../../app/errors';
import { useI18n } from '../../../../app/i18n';
import { passwordRules } from '../../../../app/password';
import { isValidUscc } from '../../../../app/uscc';
import { ROLES, type Role } from '../../../../api/types';
import { createUser, type NewUser } from '../api';

// Which scope field each role is bound to (SPEC §0): inspectors belong to a department.
function scopeOf(role: Role | undefined): 'department' | 'street' | 'uscc' | null {
  if (role === 'dept' || role === 'inspector') return 'department';
  if (role === 'street') return 'street';
  if (role === 'enterprise') return 'uscc';
  return null;
}

const FIELDS = ['username', 'password', 'displayName', 'role', 'department', 'street', 'uscc'] as const;

export function CreateUserModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const org = useOrg();
  const client = useQueryClient();
  const [form] = Form.useForm<NewUser>();
  const role = Form.useWatch('role', form);
  const scope = scopeOf(role);

  const mutation = useMutation({
    mutationFn: createUser,
    onSuccess: (user) => {
      message.success(t('pages.users.created', { username: user.username }));
      void client.invalidateQueries({ queryKey: ['users'] });
      form.resetFields();
      onClose();
    },
    onError: (err) => {
      const field = errorField(err, FIELDS);
      if (field) form.setFields([{ name: field, errors: [errorText(err, lang, t)] }]);
      else message.error(errorText(err, lang, t));
    },
  });

  async function submit() {
    let values: NewUser;
    try {
      values = await form.validateFields();
    } catch {
      return; // antd already shows the field messages
    }
    // Send only the scope that belongs to the chosen role.
    const s = scopeOf(values.role);
    mutation.mutate({
      username: values.username.trim(),
      displayName: values.displayName.trim(),
      role: values.role,
      password: values.password,
      department: s === 'department' ? values.department : undefined,
      street: s === 'street' ? values.street : undefined,
      uscc: s === 'uscc' ? values.uscc?.trim().toUpperCase() : undefined,
    });
  }

  return (
    <Modal
      title={t('pages.users.create')}
      open={open}
      onOk={() => void submit()}
      onCancel={() => {
        form.resetFields();
        onClose();
      }}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={mutation.isPending}
      destroyOnHidden
    >
      <Form<NewUser> form={form} name="create-user" layout="vertical" requiredMark preserve={false}>
        <Form.Item
          name="username"
          label={t('pages.users.form.username')}
          rules={[
            { required: true, whitespace: true, message: t('pages.users.form.usernameRequired') },
            { pattern: /^[A-Za-z0-9_.-]{2,64}$/, message: t('pages.users.form.usernamePattern') },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('pages.users.form.displayName')}
          rules={[{ required: true, whitespace: true, message: t('pages.users.form.displayNameRequired') }]}
        >
          <Input autoComplete="off" maxLength={64} />
        </Form.Item>
        <Form.Item name="role" label={t('pages.users.form.role')} rules={[{ required: true, message: t('pages.users.form.roleRequired') }]}>
          <Select<Role> options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />
        </Form.Item>
        {scope === 'department' ? (
          <Form.Item
            name="department"
            label={t('pages.users.form.department')}
            rules={[{ required: true, message: t('pages.users.form.departmentRequired') }]}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              loading={org.isPending}
              options={(org.data?.departments ?? []).map((d) => ({ value: d.code, label: d.name }))}
            />
          </Form.Item>
        ) : null}
        {scope === 'street' ? (
          <Form.Item name="street" label={t('pages.users.form.street')} rules={[{ required: true, message: t('pages.users.form.streetRequired') }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              loading={org.isPending}
              options={(org.data?.streets ?? []).map((d) => ({ value: d.code, label: d.name }))}
            />
          </Form.Item>
        ) : null}
        {scope === 'uscc' ? (
          <Form.Item
            name="uscc"
            label={t('pages.users.form.uscc')}
            rules={[
              { required: true, whitespace: true, message: t('pages.users.form.usccRequired') },
              {
                validator: (_, value: string | undefined) =>
                  !value || isValidUscc(value.trim().toUpperCase()) ? Promise.resolve() : Promise.reject(new Error(t('pages.users.form.usccInvalid'))),
              },
            ]}
          >
            <Input maxLength={18} autoComplete="off" style={{ fontFamily: 'monospace' }} />
          </Form.Item>
        ) : null}
        <Form.Item
          name="password"
          label={t('pages.users.form.password')}
          rules={passwordRules(t, t('pages.users.form.passwordRequired'))}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
