import { ArrowLeftOutlined, EditOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Input, Modal, Popconfirm, Result, Skeleton, Tabs } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { accessFor } from '../../../access';
import { ApplyButton } from '../../applications/components/ApplyButton';
import { ApiError } from '../../../api/client';
import { useSession } from '../../../app/auth';
import { errorText } from '../../../app/errors';
import { useI18n } from '../../../app/i18n';
import { fetchPolicy, policyAction, type PolicyAction, type PolicyDetail } from '../api';
import { EligiblePanel } from '../components/EligiblePanel';
import { PolicyView } from '../components/PolicyView';
import { policyKeys, statusKey } from '../format';

function Actions({ policy }: { policy: PolicyDetail }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [returning, setReturning] = useState(false);
  const [note, setNote] = useState('');
  const act = useMutation({
    mutationFn: ({ action, note: n }: { action: PolicyAction; note?: string }) => policyAction(policy.id, action, n),
    onSuccess: (r) => {
      message.success(t('pages.policies.statusNow', { status: t(statusKey(r.status)) }));
      setReturning(false);
      void client.invalidateQueries({ queryKey: policyKeys.detail(policy.id) });
      void client.invalidateQueries({ queryKey: policyKeys.all });
    },
    onError: (err) => message.error(errorText(err, lang, t)),
  });
  const s = policy.status;
  const busy = act.isPending;
  return (
    <>
      {s === 'draft' ? (
        <>
          <Button icon={<EditOutlined />} onClick={() => navigate(`/policies/${policy.id}/edit`)} data-testid="policy-edit">
            {t('common.edit')}
          </Button>
          <Button type="primary" loading={busy} onClick={() => act.mutate({ action: 'submit' })} data-testid="policy-submit">
            {t('pages.policies.action.submit')}
          </Button>
        </>
      ) : null}
      {s === 'review' ? (
        <>
          <Button type="primary" loading={busy} onClick={() => act.mutate({ action: 'publish' })} data-testid="policy-publish">
            {t('pages.policies.action.publish')}
          </Button>
          <Button onClick={() => setReturning(true)} data-testid="policy-return">
            {t('pages.policies.action.return')}
          </Button>
        </>
      ) : null}
      {s === 'draft' || s === 'review' || s === 'published' ? (
        <Popconfirm title={t('pages.policies.action.withdrawConfirm')} onConfirm={() => act.mutate({ action: 'withdraw' })}>
          <Button danger loading={busy} data-testid="policy-withdraw">
            {t('pages.policies.action.withdraw')}
          </Button>
        </Popconfirm>
      ) : null}
      <Modal
        title={t('pages.policies.action.return')}
        open={returning}
        onCancel={() => setReturning(false)}
        okButtonProps={{ disabled: !note.trim(), loading: busy }}
        onOk={() => act.mutate({ action: 'return', note: note.trim() })}
      >
        <Input.TextArea id="policy-return-note" rows={4} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('pages.policies.action.returnNote')} />
      </Modal>
    </>
  );
}

/** /policies/:id — one policy; its owners get the lifecycle actions (P-2). */
export function PolicyDetailPage() {
  const { t, lang } = useI18n();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const user = useSession().data?.user;
  const access = accessFor(user?.role);
  const query = useQuery({ queryKey: policyKeys.detail(id), queryFn: () => fetchPolicy(id), retry: false });
  if (query.isPending) return <Skeleton active />;
  if (query.isError) {
    const notFound = query.error instanceof ApiError && query.error.status === 404;
    return <Result status={notFound ? '404' : 'error'} title={notFound ? '404' : t('common.loadFailed')} subTitle={errorText(query.error, lang, t)} />;
  }
  const p = query.data;
  const owner = access.managePolicies && (user?.role === 'admin' || user?.department === p.department);
  return (
    <Flex vertical gap={12}>
      <div>
        <Button type="link" icon={<ArrowLeftOutlined />} onClick={() => navigate('/policies')} style={{ paddingInline: 0 }}>
          {t('pages.policies.backToList')}
        </Button>
      </div>
      {/* 可享企业 (P-4): admin and leader for every policy, department staff for their own department's. */}
      {p.version > 0 && (user?.role === 'admin' || user?.role === 'leader' || (user?.role === 'dept' && user.department === p.department)) ? (
        <Tabs
          destroyOnHidden
          items={[
            { key: 'detail', label: t('pages.policies.tab.detail'), children: <PolicyView policy={p} staff={access.policyStaff} actions={owner ? <Actions policy={p} /> : p.status === 'published' ? <ApplyButton policyId={p.id} mode={p.mode} /> : null} /> },
            { key: 'eligible', label: <span data-testid="tab-eligible">{t('pages.policies.tab.eligible')}</span>, children: <EligiblePanel policy={p} /> },
          ]}
        />
      ) : (
        <PolicyView policy={p} staff={access.policyStaff} actions={owner ? <Actions policy={p} /> : p.status === 'published' ? <ApplyButton policyId={p.id} mode={p.mode} /> : null} />
      )}
    </Flex>
  );
}
