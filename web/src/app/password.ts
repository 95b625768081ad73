import type { FormRule } from 'antd';
import type { Translate } from '../locales';

// Mirrors the server's password policy (platform/auth/passwords.ts) so the
// user hears about it before the round trip; the server still decides.
export const PASSWORD_MIN_LENGTH = 8;

function kinds(password: string): number {
  return [/[A-Za-z]/, /\d/, /[^A-Za-z\d]/].filter((re) => re.test(password)).length;
}

export function passwordRules(t: Translate, requiredMessage: string): FormRule[] {
  return [
    { required: true, message: requiredMessage },
    { min: PASSWORD_MIN_LENGTH, message: t('pages.password.minLength') },
    {
      validator: (_, value: string | undefined) =>
        !value || value.length < PASSWORD_MIN_LENGTH || kinds(value) >= 2 ? Promise.resolve() : Promise.reject(new Error(t('pages.password.kinds'))),
    },
  ];
}
