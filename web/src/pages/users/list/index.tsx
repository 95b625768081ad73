import { ApiOutlined, DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Select, Table, Tag, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { useOrg } from '../../../app/auth';
import { errorText } from '../../../app/errors';
import { formatDateTime } from '../../../app/format';
import { useI18n } from '../../../app/i18n';
import { useListParams, listPagination } from '../../../app/list-params';
import { PageHeader } from '../../../app/PageHeader';
import { describeScope } from '../../../app/scope';
import { isRole, ROLES, type Role } from '../../../api/types';
import { exportUsers, listUsers, type UserFilter, type UserRow } from './api';
import { CreateUserModal } from './components/CreateUserModal';
import { ResetPasswordModal } from './components/ResetPasswordModal';

interface FilterForm {
  q?: string;
  role?: Role;
}

export function UserListPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const org = useOrg();
  const list = useListParams();
  const [form] = Form.useForm<FilterForm>();
  const [creating, setCreating] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [resetting, setResetting] = useState<UserRow | null>(null);
  const navigate = useNavigate();

  const roleParam = list.get('role');
  const filter: UserFilter = { q: list.get('q'), role: roleParam && isRole(roleParam) ? roleParam : undefined };

  // Keep the filter form in step with the URL (back button, shared links).
  useEffect(() => {
    form.setFieldsValue({ q: filter.q, role: filter.role });
  }, [form, filter.q, filter.role]);

  const query = useQuery({
    queryKey: ['users', list.page, list.pageSize, filter.q ?? '', filter.role ?? ''],
    queryFn: () => listUsers(list.page, list.pageSize, filter),
    placeholderData: keepPreviousData,
  });

  async function onExport() {
    setExporting(true);
    try {
      const name = await exportUsers(filter);
      message.success(t('common.exported', { name }));
    } catch (err) {
      message.error(errorText(err, lang, t));
    } finally {
      setExporting(false);
    }
  }

  const columns: TableColumnsType<UserRow> = [
    { title: t('pages.users.col.username'), dataIndex: 'username', key: 'username', width: 160 },
    { title: t('pages.users.col.displayName'), dataIndex: 'displayName', key: 'displayName' },
    { title: t('pages.users.col.role'), dataIndex: 'role', key: 'role', width: 150, render: (role: Role) => t(`roles.${role}`) },
    {
      title: t('pages.users.col.scope'),
      key: 'scope',
      render: (_, row) => describeScope(row, org.data, t).name,
    },
    {
      title: t('pages.users.col.status'),
      dataIndex: 'disabled',
      key: 'status',
      width: 100,
      render: (disabled: boolean) =>
        disabled ? <Tag>{t('pages.users.status.disabled')}</Tag> : <Tag color="green">{t('pages.users.status.active')}</Tag>,
    },
    {
      title: t('pages.users.col.createdAt'),
      dataIndex: 'createdAt',
      key: 'createdAt',
      width: 180,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: t('pages.users.col.actions'),
      key: 'actions',
      width: 110,
      render: (_, row) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setResetting(row)} data-testid={`user-reset-${row.username}`}>
          {t('pages.users.reset.action')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('pages.users.title')}
        extra={
          <>
            <Button icon={<ApiOutlined />} onClick={() => navigate('/tokens?scope=all')} data-testid="users-tokens">
              {t('pages.users.tokens')}
            </Button>
            <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void onExport()} data-testid="users-export">
              {t('common.exportExcel')}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="users-create">
              {t('pages.users.create')}
            </Button>
          </>
        }
      />
      <Card>
        <Form<FilterForm>
          form={form}
          name="user-filter"
          layout="inline"
          style={{ marginBottom: 16, rowGap: 12 }}
          onFinish={(v) => list.setFilters({ q: v.q?.trim(), role: v.role })}
        >
          <Form.Item name="q" label={t('pages.users.keyword')}>
            <Input allowClear placeholder={t('pages.users.keywordPlaceholder')} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="role" label={t('pages.users.role')}>
            <Select<Role>
              allowClear
              placeholder={t('common.all')}
              style={{ width: 200 }}
              options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('common.search')}
            </Button>
          </Form.Item>
          <Form.Item>
            <Button
              onClick={() => {
                form.resetFields();
                list.setFilters({ q: undefined, role: undefined });
              }}
            >
              {t('common.reset')}
            </Button>
          </Form.Item>
        </Form>
        {query.isError ? <Alert type="error" showIcon title={errorText(query.error, lang, t)} style={{ marginBottom: 16 }} /> : null}
        <Table<UserRow>
          rowKey="id"
          data-testid="users-table"
          columns={columns}
          dataSource={query.data?.items ?? []}
          loading={query.isFetching}
          scroll={{ x: 'max-content' }}
          pagination={listPagination(list, query.data?.total ?? 0, (total) => t('common.total', { total }))}
        />
      </Card>
      <CreateUserModal open={creating} onClose={() => setCreating(false)} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
    </>
  );
}
