import { ArrowLeftOutlined, DeleteOutlined, DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Flex, Form, Input, InputNumber, List, Modal, Result, Skeleton, Space, Tag, Typography, Upload, type UploadProps } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../../api/client';
import { useSession } from '../../../app/auth';
import { errorText } from '../../../app/errors';
import { useI18n } from '../../../app/i18n';
import { applicationAction, applicationKeys, deleteFile, downloadFile, fetchApplication, newIdempotencyKey, saveForm, uploadFile, type ApplicationDetail, type ReviewAction } from '../api';
import { ApplicationProgress } from '../components/Progress';
import { STATUS_COLORS, useAppText, yuan } from '../i18n';

type FormValues = { contactName: string; contactPhone: string; requestedYuan: number | null; description: string };

/** One Idempotency-Key per intended action: reused by a repeated click or retry, renewed once the action is settled. */
function useActionKey() {
  const key = useRef<string | null>(null);
  return {
    get: () => (key.current ??= newIdempotencyKey()),
    reset: () => {
      key.current = null;
    },
  };
}

function useRefresh(id: number) {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: applicationKeys.detail(id) });
    void client.invalidateQueries({ queryKey: applicationKeys.all });
  };
}

function Materials({ app }: { app: ApplicationDetail }) {
  const { t, lang } = useI18n();
  const { tx } = useAppText();
  const { message } = App.useApp();
  const csrf = useSession().data?.csrfToken ?? null;
  const refresh = useRefresh(app.id);
  const remove = useMutation({ mutationFn: (fileId: number) => deleteFile(app.id, fileId), onSuccess: refresh, onError: (err) => message.error(errorText(err, lang, t)) });
  const customRequest =
    (material: string): UploadProps['customRequest'] =>
    ({ file, onSuccess, onError }) => {
      uploadFile(app.id, material, file as File, csrf)
        .then((r) => {
          onSuccess?.(r);
          message.success(tx('uploaded', { name: r.filename }));
          refresh();
        })
        .catch((err: unknown) => {
          onError?.(err as Error);
          message.error(errorText(err, lang, t));
        });
    };
  const mb = app.upload.maxFileBytes / 1024 / 1024;
  const accept = app.upload.allowedTypes.map((x) => (x === 'jpg' ? '.jpg,.jpeg' : `.${x}`)).join(',');
  return (
    <Card title={tx('materials')}>
      <Typography.Paragraph type="secondary">{tx('materialsHint', { types: app.upload.allowedTypes.join(' / '), mb: Number.isInteger(mb) ? mb : mb.toFixed(1) })}</Typography.Paragraph>
      <List
        dataSource={app.materials}
        renderItem={(m, i) => {
          const files = app.files.filter((f) => f.material === m);
          return (
            <List.Item
              data-testid={`material-${i}`}
              extra={
                app.editable ? (
                  <Upload customRequest={customRequest(m)} showUploadList={false} accept={accept} data-testid={`upload-${i}`}>
                    <Button icon={<UploadOutlined />}>{tx('upload')}</Button>
                  </Upload>
                ) : null
              }
            >
              <Flex vertical gap={4}>
                <Typography.Text strong>{m}</Typography.Text>
                {files.length === 0 ? <Typography.Text type="warning">{tx('noFile')}</Typography.Text> : null}
                {files.map((f) => (
                  <Space key={f.id} size={4}>
                    <Typography.Text data-testid="uploaded-file">{f.filename}</Typography.Text>
                    <Tag>{f.ext.toUpperCase()}</Tag>
                    <Typography.Text type="secondary">{(f.size / 1024).toFixed(1)} KiB</Typography.Text>
                    <Button size="small" type="link" icon={<DownloadOutlined />} onClick={() => void downloadFile(app.id, f).catch((err: unknown) => message.error(errorText(err, lang, t)))}>
                      {tx('download')}
                    </Button>
                    {app.editable ? (
                      <Button size="small" type="link" danger icon={<DeleteOutlined />} onClick={() => remove.mutate(f.id)}>
                        {tx('remove')}
                      </Button>
                    ) : null}
                  </Space>
                ))}
              </Flex>
            </List.Item>
          );
        }}
      />
    </Card>
  );
}

function ApplicationFormCard({ app }: { app: ApplicationDetail }) {
  const { t, lang } = useI18n();
  const { tx } = useAppText();
  const { message } = App.useApp();
  const csrf = useSession().data?.csrfToken ?? null;
  const refresh = useRefresh(app.id);
  const [form] = Form.useForm<FormValues>();
  const key = useActionKey();
  const f = app.form;
  useEffect(() => {
    form.setFieldsValue({ contactName: f.contactName, contactPhone: f.contactPhone, requestedYuan: f.requestedAmountFen === null ? null : f.requestedAmountFen / 100, description: f.description });
  }, [form, f.contactName, f.contactPhone, f.requestedAmountFen, f.description]);
  const patchOf = (v: FormValues) => ({ contactName: v.contactName ?? '', contactPhone: v.contactPhone ?? '', description: v.description ?? '', requestedAmountFen: v.requestedYuan === null || v.requestedYuan === undefined ? null : Math.round(v.requestedYuan * 100) });
  const save = useMutation({
    mutationFn: (v: FormValues) => saveForm(app.id, patchOf(v)),
    onSuccess: () => {
      message.success(tx('saved'));
      refresh();
    },
    onError: (err) => message.error(errorText(err, lang, t)),
  });
  const submit = useMutation({
    mutationFn: async () => {
      await saveForm(app.id, patchOf(form.getFieldsValue()));
      return applicationAction(app.id, 'submit', {}, key.get(), csrf);
    },
    onSuccess: () => {
      key.reset();
      message.success(tx('submitted'));
      refresh();
    },
    onError: (err) => {
      if (err instanceof ApiError) key.reset();
      message.error(errorText(err, lang, t));
      refresh();
    },
  });
  return (
    <Card title={tx('form')}>
      <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered style={{ marginBottom: 16 }}>
        <Descriptions.Item label={tx('f_enterpriseName')}>{f.enterpriseName}</Descriptions.Item>
        <Descriptions.Item label={tx('f_uscc')}>
          <span data-testid="form-uscc">{f.uscc}</span>
        </Descriptions.Item>
        <Descriptions.Item label={tx('f_legalRep')}>{f.legalRep ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={tx('f_industry')}>{f.industry ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={tx('f_employees')}>{f.employees ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={tx('f_address')}>{f.address ?? '—'}</Descriptions.Item>
      </Descriptions>
      {app.editable ? (
        <>
          <Typography.Paragraph type="secondary">{tx('formHint')}</Typography.Paragraph>
          <Form form={form} name="application" layout="vertical" onFinish={(v) => save.mutate(v)} style={{ maxWidth: 640 }}>
            <Form.Item name="contactName" label={tx('f_contactName')} rules={[{ required: true, whitespace: true }]}>
              <Input maxLength={50} />
            </Form.Item>
            <Form.Item name="contactPhone" label={tx('f_contactPhone')} rules={[{ required: true, whitespace: true }]}>
              <Input maxLength={30} />
            </Form.Item>
            <Form.Item name="requestedYuan" label={tx('f_requested')}>
              <InputNumber min={0} precision={2} style={{ width: 240 }} />
            </Form.Item>
            <Form.Item name="description" label={tx('f_description')} rules={[{ required: true, whitespace: true }]}>
              <Input.TextArea rows={4} maxLength={5000} />
            </Form.Item>
            <Space>
              <Button htmlType="submit" loading={save.isPending} data-testid="application-save">
                {tx('save')}
              </Button>
              <Button type="primary" loading={submit.isPending} onClick={() => submit.mutate()} data-testid="application-submit">
                {app.status === 'returned' ? tx('resubmit') : tx('submit')}
              </Button>
            </Space>
          </Form>
        </>
      ) : (
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={tx('f_contactName')}>{f.contactName || '—'}</Descriptions.Item>
          <Descriptions.Item label={tx('f_contactPhone')}>{f.contactPhone || '—'}</Descriptions.Item>
          <Descriptions.Item label={tx('f_requested')}>{yuan(f.requestedAmountFen)}</Descriptions.Item>
          <Descriptions.Item label={tx('f_description')}>{f.description || '—'}</Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}

function ReviewCard({ app }: { app: ApplicationDetail }) {
  const { t, lang } = useI18n();
  const { tx } = useAppText();
  const { message } = App.useApp();
  const csrf = useSession().data?.csrfToken ?? null;
  const refresh = useRefresh(app.id);
  const key = useActionKey();
  const [open, setOpen] = useState<ReviewAction | null>(null);
  const [reason, setReason] = useState('');
  const [amount, setAmount] = useState<number | null>(app.form.requestedAmountFen === null ? null : app.form.requestedAmountFen / 100);
  const act = useMutation({
    mutationFn: (action: ReviewAction) => applicationAction(app.id, action, action === 'approve' ? { amountFen: Math.round((amount ?? 0) * 100) } : { reason: reason.trim() }, key.get(), csrf),
    onSuccess: () => {
      key.reset();
      setOpen(null);
      setReason('');
      message.success(tx('done'));
      refresh();
    },
    onError: (err) => {
      if (err instanceof ApiError) key.reset();
      message.error(errorText(err, lang, t));
      refresh();
    },
  });
  const b = app.budget;
  const canApprove = app.status === 'submitted';
  return (
    <Card title={tx('review')} data-testid="review-card">
      <Flex vertical gap={12}>
        {b ? <Typography.Text>{b.budgetFen === null ? tx('budgetUnlimited', { approved: yuan(b.approvedFen) }) : tx('budget', { budget: yuan(b.budgetFen), approved: yuan(b.approvedFen), remaining: yuan(b.remainingFen) })}</Typography.Text> : null}
        {app.form.requestedAmountFen !== null ? <Typography.Text>{tx('requested', { amount: yuan(app.form.requestedAmountFen) })}</Typography.Text> : null}
        <Space wrap>
          {canApprove ? (
            <Button type="primary" onClick={() => setOpen('approve')} data-testid="review-approve">
              {tx('approve')}
            </Button>
          ) : null}
          {canApprove ? (
            <Button onClick={() => setOpen('return')} data-testid="review-return">
              {tx('returnFor')}
            </Button>
          ) : null}
          <Button danger onClick={() => setOpen('reject')} data-testid="review-reject">
            {tx('reject')}
          </Button>
        </Space>
      </Flex>
      <Modal
        title={open === 'approve' ? tx('approve') : open === 'return' ? tx('returnFor') : tx('reject')}
        open={open !== null}
        onCancel={() => setOpen(null)}
        okButtonProps={{ disabled: open === 'approve' ? !amount || amount <= 0 : !reason.trim(), loading: act.isPending, id: 'review-ok' }}
        onOk={() => open && act.mutate(open)}
        destroyOnHidden
      >
        {open === 'approve' ? (
          <Form layout="vertical">
            <Form.Item label={tx('amount')}>
              <InputNumber id="review-amount" min={0.01} precision={2} value={amount} onChange={(v) => setAmount(v)} style={{ width: 240 }} />
            </Form.Item>
          </Form>
        ) : (
          <Form layout="vertical">
            <Form.Item label={open === 'return' ? tx('returnReason') : tx('reason')}>
              <Input.TextArea id="review-reason" rows={4} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
            </Form.Item>
          </Form>
        )}
      </Modal>
    </Card>
  );
}

/** /applications/:id — the enterprise fills, uploads and submits; the department reviews; both see the progress. */
export function ApplicationDetailPage() {
  const { t, lang } = useI18n();
  const { tx, statusText } = useAppText();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const user = useSession().data?.user;
  const query = useQuery({ queryKey: applicationKeys.detail(id), queryFn: () => fetchApplication(id), retry: false });
  if (query.isPending) return <Skeleton active />;
  if (query.isError) {
    const notFound = query.error instanceof ApiError && query.error.status === 404;
    return <Result status={notFound ? '404' : 'error'} title={notFound ? '404' : t('common.loadFailed')} subTitle={errorText(query.error, lang, t)} />;
  }
  const a = query.data;
  const back = user?.role === 'enterprise' ? '/my-applications' : '/application-review';
  return (
    <Flex vertical gap={12}>
      <div>
        <Button type="link" icon={<ArrowLeftOutlined />} onClick={() => navigate(back)} style={{ paddingInline: 0 }}>
          {tx('back')}
        </Button>
      </div>
      <Flex gap={8} align="center" wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {a.policyTitle}
        </Typography.Title>
        <Tag color={STATUS_COLORS[a.status]} data-testid="application-status">
          {statusText(a.status)}
        </Tag>
        <Link to={`/policies/${a.policyId}`}>{tx('policyLink')}</Link>
      </Flex>
      <Typography.Text type="secondary">
        {a.enterpriseName} · {a.uscc} · <span data-testid="application-period">{a.period}</span>
      </Typography.Text>
      {a.status === 'returned' && a.reason ? <Alert type="warning" showIcon title={tx('returnedAlert', { reason: a.reason })} data-testid="returned-alert" /> : null}
      {a.status === 'rejected' && a.reason ? <Alert type="error" showIcon title={tx('rejectedAlert', { reason: a.reason })} /> : null}
      {a.status === 'approved' ? <Alert type="success" showIcon title={a.payment ? tx('paidAlert', { amount: yuan(a.payment.amountFen) }) : tx('approvedAlert', { amount: yuan(a.amountFen) })} data-testid="approved-alert" /> : null}
      <ApplicationProgress app={a} />
      {a.reviewable ? <ReviewCard app={a} /> : null}
      <ApplicationFormCard app={a} />
      <Materials app={a} />
    </Flex>
  );
}
