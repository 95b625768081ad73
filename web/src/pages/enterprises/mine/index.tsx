import { Result } from 'antd';
import { useSession } from '../../../app/auth';
import { useI18n } from '../../../app/i18n';
import { EnterpriseProfile } from '../detail/components/EnterpriseProfile';

/** 本企业: an enterprise user's own 一企一页. */
export function MyEnterprisePage() {
  const { t } = useI18n();
  const uscc = useSession().data?.user.uscc;
  if (!uscc) return <Result status="404" title="404" subTitle={t('common.notFound')} />;
  return <EnterpriseProfile uscc={uscc} showBack={false} />;
}
