import { useParams } from 'react-router';
import { EnterpriseProfile } from './components/EnterpriseProfile';

/** /enterprises/:uscc — 一企一页 of one enterprise in the caller's scope. */
export function EnterpriseDetailPage() {
  const { uscc = '' } = useParams();
  return <EnterpriseProfile key={uscc} uscc={uscc.toUpperCase()} />;
}
