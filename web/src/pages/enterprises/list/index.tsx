import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, Select, Table, Tag, Tooltip, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { accessFor } from '../../../access';
import { useOrg, useSession } from '../../../app/auth';
import { errorText } from '../../../app/errors';
import { useI18n } from '../../../app/i18n';
import { useListParams, listPagination } from '../../../app/list-params';
import { PageHeader } from '../../../app/PageHeader';
import { exportEnterprises, listEnterprises, type EnterpriseFilter, type EnterpriseView } from '../api';
import { EnterpriseFormDrawer } from '../components/EnterpriseFormDrawer';
import { creditColor, statusColor, useAttributes } from '../format';
import { ImportModal } from './components/ImportModal';

type FilterForm = EnterpriseFilter;
const FILTER_NAMES = ['q', 'street', 'industry', 'status', 'tag'] as const;

function TagList({ tags }: { tags: string[] }) {
  const shown = tags.slice(0, 2);
  const rest = tags.slice(2);
  return (
    <Flex gap={4} wrap>
      {shown.map((tag) => (
        <Tag key={tag} color="blue" style={{ marginInlineEnd: 0 }}>
          {tag}
        </Tag>
      ))}
      {rest.length ? (
        <Tooltip title={rest.join('、')}>
          <Tag style={{ marginInlineEnd: 0 }}>+{rest.length}</Tag>
        </Tooltip>
      ) : null}
    </Flex>
  );
}

/** 企业名录 (E-1): the registry within the caller's data scope, filters in the URL. */
export function EnterpriseListPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const org = useOrg();
  const catalog = useAttributes();
  const list = useListParams();
  const [form] = Form.useForm<FilterForm>();
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [exporting, setExporting] = useState<'xlsx' | 'csv' | null>(null);
  const canManage = accessFor(session.data?.user.role).manageEnterprises;

  const filter: EnterpriseFilter = {
    q: list.get('q'),
    street: list.get('street'),
    industry: list.get('industry'),
    status: list.get('status'),
    tag: list.get('tag'),
  };

  // Keep the filter form in step with the URL (back button, shared links).
  useEffect(() => {
    form.setFieldsValue({ q: filter.q, street: filter.street, industry: filter.industry, status: filter.status, tag: filter.tag });
  }, [form, filter.q, filter.street, filter.industry, filter.status, filter.tag]);

  const query = useQuery({
    queryKey: ['enterprises', list.page, list.pageSize, ...FILTER_NAMES.map((k) => filter[k] ?? '')],
    queryFn: () => listEnterprises(list.page, list.pageSize, filter),
    placeholderData: keepPreviousData,
  });

  const statusOptions = catalog.data?.find((a) => a.key === 'status')?.options ?? [];
  const tagOptions = catalog.data?.find((a) => a.key === 'tags')?.options ?? [];

  async function onExport(format: 'xlsx' | 'csv') {
    setExporting(format);
    try {
      const name = await exportEnterprises(format, filter);
      message.success(t('common.exported', { name }));
    } catch (err) {
      message.error(errorText(err, lang, t));
    } finally {
      setExporting(null);
    }
  }

  const columns: TableColumnsType<EnterpriseView> = [
    {
      title: t('pages.enterprises.col.uscc'),
      dataIndex: 'uscc',
      key: 'uscc',
      width: 170,
      render: (uscc: string) => (
        <Link to={`/enterprises/${uscc}`} style={{ fontFamily: 'monospace', fontSize: 13 }}>
          {uscc}
        </Link>
      ),
    },
    {
      title: t('pages.enterprises.col.name'),
      dataIndex: 'name',
      key: 'name',
      className: 'col-name',
      render: (name: string, row) => <Link to={`/enterprises/${row.uscc}`}>{name}</Link>,
    },
    {
      title: t('pages.enterprises.col.industry'),
      dataIndex: 'industryName',
      key: 'industry',
      width: 140,
      ellipsis: true,
      render: (name: string | null, row) =>
        row.industry ? (
          <Tooltip title={row.industry}>
            <span>{name ?? row.industry}</span>
          </Tooltip>
        ) : (
          t('common.none')
        ),
    },
    { title: t('pages.enterprises.col.street'), dataIndex: 'streetName', key: 'street', width: 96, className: 'col-street', render: (v: string | null) => v ?? t('common.none') },
    {
      title: t('pages.enterprises.col.status'),
      dataIndex: 'status',
      key: 'status',
      width: 84,
      render: (s: string) => <Tag color={statusColor(s)}>{s}</Tag>,
    },
    {
      title: t('pages.enterprises.col.employees'),
      dataIndex: 'employees',
      key: 'employees',
      width: 88,
      align: 'right',
      render: (v: number | null) => (v === null ? t('common.none') : v.toLocaleString('zh-CN')),
    },
    { title: t('pages.enterprises.col.tags'), dataIndex: 'tags', key: 'tags', width: 170, render: (tags: string[]) => <TagList tags={tags} /> },
    {
      title: t('pages.enterprises.col.creditGrade'),
      dataIndex: 'creditGrade',
      key: 'creditGrade',
      width: 84,
      align: 'center',
      render: (g: string | null) => (g ? <Tag color={creditColor(g)}>{g}</Tag> : t('common.none')),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('pages.enterprises.title')}
        extra={
          <>
            <Button icon={<DownloadOutlined />} loading={exporting === 'xlsx'} onClick={() => void onExport('xlsx')} data-testid="enterprises-export-xlsx">
              {t('common.exportExcel')}
            </Button>
            <Button icon={<DownloadOutlined />} loading={exporting === 'csv'} onClick={() => void onExport('csv')} data-testid="enterprises-export-csv">
              {t('common.exportCsv')}
            </Button>
            {canManage ? (
              <>
                <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="enterprises-import">
                  {t('pages.enterprises.import')}
                </Button>
                <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="enterprises-create">
                  {t('pages.enterprises.create')}
                </Button>
              </>
            ) : null}
          </>
        }
      />
      <Card>
        <Form<FilterForm>
          form={form}
          name="enterprise-filter"
          layout="inline"
          style={{ marginBottom: 16, rowGap: 12 }}
          onFinish={(v) =>
            list.setFilters({ q: v.q?.trim(), street: v.street, industry: v.industry?.trim().toUpperCase(), status: v.status, tag: v.tag })
          }
        >
          <Form.Item name="q" label={t('pages.enterprises.keyword')}>
            <Input allowClear placeholder={t('pages.enterprises.keywordPlaceholder')} style={{ width: 240 }} />
          </Form.Item>
          <Form.Item name="street" label={t('pages.enterprises.street')}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('common.all')}
              style={{ width: 150 }}
              loading={org.isPending}
              options={(org.data?.streets ?? []).map((s) => ({ value: s.code, label: s.name }))}
            />
          </Form.Item>
          <Form.Item name="industry" label={t('pages.enterprises.industry')}>
            <Input allowClear placeholder={t('pages.enterprises.industryPlaceholder')} style={{ width: 130 }} maxLength={8} />
          </Form.Item>
          <Form.Item name="status" label={t('pages.enterprises.status')}>
            <Select allowClear placeholder={t('common.all')} style={{ width: 110 }} options={statusOptions.map((s) => ({ value: s, label: s }))} />
          </Form.Item>
          <Form.Item name="tag" label={t('pages.enterprises.tag')}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('common.all')}
              style={{ width: 170 }}
              options={tagOptions.map((s) => ({ value: s, label: s }))}
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
                list.setFilters(Object.fromEntries(FILTER_NAMES.map((k) => [k, undefined])));
              }}
            >
              {t('common.reset')}
            </Button>
          </Form.Item>
        </Form>
        {query.isError ? <Alert type="error" showIcon title={errorText(query.error, lang, t)} style={{ marginBottom: 16 }} /> : null}
        <Table<EnterpriseView>
          rowKey="uscc"
          data-testid="enterprises-table"
          columns={columns}
          dataSource={query.data?.items ?? []}
          loading={query.isFetching}
          size="middle"
          pagination={listPagination(list, query.data?.total ?? 0, (total) => t('common.total', { total }))}
        />
      </Card>
      <EnterpriseFormDrawer open={creating} onClose={() => setCreating(false)} />
      <ImportModal open={importing} onClose={() => setImporting(false)} />
    </>
  );
}
