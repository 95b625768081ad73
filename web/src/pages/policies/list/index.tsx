import { PlusOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useNavigate } from 'react-router';
import { accessFor } from '../../../access';
import { useSession } from '../../../app/auth';
import { useI18n } from '../../../app/i18n';
import { PageHeader } from '../../../app/PageHeader';
import { PolicySearch } from '../components/PolicySearch';

/** 惠企政策 (P-3) in the signed-in area; staff also see drafts and reviews. */
export function PolicyListPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const access = accessFor(useSession().data?.user.role);
  return (
    <>
      <PageHeader
        title={t('pages.policies.title')}
        extra={
          access.managePolicies ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/policies/new')} data-testid="policies-create">
              {t('pages.policies.create')}
            </Button>
          ) : null
        }
      />
      <PolicySearch basePath="/policies" showStatus={access.policyStaff} />
    </>
  );
}
