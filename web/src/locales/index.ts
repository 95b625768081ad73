import { enUS } from './en-US';
import { zhCN, type MessageKey } from './zh-CN';

export type { MessageKey };
export type Lang = 'zh-CN' | 'en-US';
export type Vars = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

export const LANGS: readonly Lang[] = ['zh-CN', 'en-US'];
const STORAGE_KEY = 'qifu.lang';

const catalogs: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, 'en-US': enUS };

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(zhCN, key);
}

/** Replaces `{name}` placeholders; unknown placeholders stay visible so they get noticed. */
export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const text = catalogs[lang][key];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function loadLang(): Lang {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh-CN' || saved === 'en-US') return saved;
  } catch {
    // Storage can be blocked (privacy mode); Chinese is the default anyway.
  }
  return 'zh-CN';
}

export function saveLang(lang: Lang): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not fatal: the choice just won't survive a reload.
  }
}
