import type { MessageKey, Translate } from '../locales';
import type { OrgMeta, User } from '../api/types';

export interface ScopeInfo {
  /** What kind of scope: department, street, USCC or the whole district. */
  kind: MessageKey;
  name: string;
}

function nameOf(list: { code: string; name: string }[] | undefined, code: string): string {
  return list?.find((x) => x.code === code)?.name ?? code;
}

/** The data scope a user works in, for display (the server enforces it). */
export function describeScope(user: User, org: OrgMeta | undefined, t: Translate): ScopeInfo {
  if (user.role === 'enterprise' && user.uscc) {
    const named = user.scopeName && user.scopeName !== user.uscc;
    return { kind: 'pages.home.scope.uscc', name: named ? `${user.scopeName}（${user.uscc}）` : user.uscc };
  }
  if (user.department) {
    return { kind: 'pages.home.scope.department', name: user.scopeName ?? nameOf(org?.departments, user.department) };
  }
  if (user.street) {
    return { kind: 'pages.home.scope.street', name: user.scopeName ?? nameOf(org?.streets, user.street) };
  }
  // Admin and leader work across the whole district.
  return { kind: 'pages.home.scope', name: user.scopeName ?? t('pages.home.scope.district') };
}
