import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, Modal, Select, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { accessFor } from '../../../access';
import { useSession } from '../../../app/auth';
import { errorField, errorText } from '../../../app/errors';
import { useI18n } from '../../../app/i18n';
import { PageHeader } from '../../../app/PageHeader';
import { ATTRIBUTE_TYPES, createAttribute, type AttributeDef, type AttributeType, type NewAttribute } from '../api';
import { ATTRIBUTES_KEY, attrLabel, useAttributes } from '../format';

const FIELDS = ['key', 'label', 'type', 'unit', 'options', 'description'] as const;

function CreateAttributeModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<NewAttribute>();
  const type = Form.useWatch('type', form);

  const mutation = useMutation({
    mutationFn: createAttribute,
    onSuccess: (def) => {
      message.success(t('pages.attributes.created', { label: def.label }));
      void client.invalidateQueries({ queryKey: ATTRIBUTES_KEY });
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
    let v: NewAttribute;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const withOptions = v.type === 'enum' || v.type === 'tags';
    mutation.mutate({
      key: v.key.trim(),
      label: v.label.trim(),
      type: v.type,
      unit: v.unit?.trim() || null,
      options: withOptions && v.options?.length ? v.options : null,
      description: v.description?.trim() || null,
    });
  }

  return (
    <Modal
      title={t('pages.attributes.create')}
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
      <Form<NewAttribute> form={form} name="create-attribute" layout="vertical" preserve={false}>
        <Form.Item
          name="key"
          label={t('pages.attributes.col.key')}
          rules={[
            { required: true, whitespace: true, message: t('pages.attributes.form.keyRequired') },
            { pattern: /^[a-z][A-Za-z0-9_]{1,40}$/, message: t('pages.attributes.form.keyPattern') },
          ]}
        >
          <Input autoComplete="off" placeholder="greenFactory" style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Form.Item name="label" label={t('pages.attributes.col.label')} rules={[{ required: true, whitespace: true, message: t('pages.attributes.form.labelRequired') }]}>
          <Input autoComplete="off" maxLength={40} placeholder="绿色工厂等级" />
        </Form.Item>
        <Form.Item name="type" label={t('pages.attributes.col.type')} rules={[{ required: true, message: t('pages.attributes.form.typeRequired') }]}>
          <Select<AttributeType> options={ATTRIBUTE_TYPES.map((ty) => ({ value: ty, label: t(`pages.attributes.type.${ty}`) }))} />
        </Form.Item>
        {type === 'number' ? (
          <Form.Item name="unit" label={t('pages.attributes.col.unit')}>
            <Input autoComplete="off" maxLength={10} />
          </Form.Item>
        ) : null}
        {type === 'enum' || type === 'tags' ? (
          <Form.Item
            name="options"
            label={t('pages.attributes.col.options')}
            rules={type === 'enum' ? [{ required: true, type: 'array', min: 1, message: t('pages.attributes.form.optionsRequired') }] : []}
          >
            <Select mode="tags" open={false} tokenSeparators={[',', '，', '、']} placeholder={t('pages.attributes.form.optionsPlaceholder')} />
          </Form.Item>
        ) : null}
        <Form.Item name="description" label={t('pages.attributes.col.description')}>
          <Input.TextArea maxLength={500} rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 属性目录 (E-1): the attribute catalog; administrators can add attributes. */
export function AttributeCatalogPage() {
  const { t, lang } = useI18n();
  const session = useSession();
  const catalog = useAttributes();
  const [creating, setCreating] = useState(false);
  const canAdd = accessFor(session.data?.user.role).manageAttributes;

  const columns: TableColumnsType<AttributeDef> = [
    { title: t('pages.attributes.col.label'), dataIndex: 'label', key: 'label', width: 180, render: (label: string, row) => attrLabel(t, row.key, label) },
    { title: t('pages.attributes.col.key'), dataIndex: 'key', key: 'key', width: 180, render: (k: string) => <Typography.Text code>{k}</Typography.Text> },
    { title: t('pages.attributes.col.type'), dataIndex: 'type', key: 'type', width: 90, render: (ty: AttributeType) => t(`pages.attributes.type.${ty}`) },
    { title: t('pages.attributes.col.unit'), dataIndex: 'unit', key: 'unit', width: 80, render: (u: string | null) => u ?? t('common.none') },
    {
      title: t('pages.attributes.col.options'),
      dataIndex: 'options',
      key: 'options',
      render: (o: string[] | null) =>
        o?.length ? (
          <Flex gap={4} wrap>
            {o.map((x) => (
              <Tag key={x} style={{ marginInlineEnd: 0 }}>
                {x}
              </Tag>
            ))}
          </Flex>
        ) : (
          t('common.none')
        ),
    },
    { title: t('pages.attributes.col.description'), dataIndex: 'description', key: 'description', render: (d: string | null) => d ?? t('common.none') },
    {
      title: t('pages.attributes.col.kind'),
      dataIndex: 'builtin',
      key: 'builtin',
      width: 90,
      render: (b: boolean) => (b ? <Tag>{t('pages.attributes.builtin')}</Tag> : <Tag color="purple">{t('pages.attributes.custom')}</Tag>),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('pages.attributes.title')}
        extra={
          canAdd ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="attributes-create">
              {t('pages.attributes.create')}
            </Button>
          ) : null
        }
      />
      <Card>
        <Typography.Paragraph type="secondary">{t('pages.attributes.hint')}</Typography.Paragraph>
        {catalog.isError ? <Alert type="error" showIcon title={errorText(catalog.error, lang, t)} style={{ marginBottom: 16 }} /> : null}
        <Table<AttributeDef> rowKey="key" data-testid="attributes-table" columns={columns} dataSource={catalog.data ?? []} loading={catalog.isFetching} pagination={false} size="middle" />
      </Card>
      {canAdd ? <CreateAttributeModal open={creating} onClose={() => setCreating(false)} /> : null}
    </>
  );
}
