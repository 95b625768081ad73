import { FormOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button } from 'antd';
import { useNavigate } from 'react-router';
import { ApiError } from '../../../api/client';
import { errorText } from '../../../app/errors';
import { useSession } from '../../../app/auth';
import { useI18n } from '../../../app/i18n';
import { createApplication, listApplications } from '../api';
import { useAppText } from '../i18n';

/**
 * 申报 for an apply-mode policy (enterprise users): opens a draft prefilled
 * from the enterprise's record, or the application already open this year.
 */
export function ApplyButton({ policyId, mode, size }: { policyId: number; mode: string; size?: 'small' | 'middle' }) {
  const { t, lang } = useI18n();
  const { tx } = useAppText();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const role = useSession().data?.user.role;
  const apply = useMutation({
    mutationFn: async () => {
      try {
        return (await createApplication(policyId)).id;
      } catch (err) {
        if (err instanceof ApiError && err.code === 'APPLICATION_EXISTS') {
          const mine = await listApplications({ policyId, page: 1, pageSize: 20 });
          const live = mine.items.find((a) => a.status !== 'rejected');
          if (live) return live.id;
        }
        throw err;
      }
    },
    onSuccess: (id) => navigate(`/applications/${id}`),
    onError: (err) => message.error(errorText(err, lang, t)),
  });
  if (mode !== 'apply' || role !== 'enterprise') return null;
  return (
    <Button type="primary" size={size} icon={<FormOutlined />} loading={apply.isPending} onClick={() => apply.mutate()} data-testid={`apply-${policyId}`}>
      {tx('apply')}
    </Button>
  );
}
