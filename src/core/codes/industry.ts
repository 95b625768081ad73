/**
 * GB/T 4754-2017 industry classification: lookup, name paths and "is within".
 *
 * Canonical codes carry the section letter: "C" (门类), "C39" (大类),
 * "C391" (中类), "C3911" (小类). Inputs may omit the letter ("39", "3911")
 * because the digits alone are unique; lower case is accepted.
 */
import { CodesError } from './errors.ts';
import { GBT4754_2017 } from './industry-data.ts';

export type IndustryLevel = 'section' | 'division' | 'group' | 'class';

export interface Industry {
  /** Canonical code, e.g. "C3911". */
  readonly code: string;
  /** The digits without the section letter ("3911"); "" for a section. */
  readonly digits: string;
  readonly section: string;
  readonly level: IndustryLevel;
  readonly name: string;
  /** Canonical code of the parent, null for a section. */
  readonly parent: string | null;
}

const LEVEL_BY_LENGTH: Readonly<Record<number, IndustryLevel>> = { 0: 'section', 2: 'division', 3: 'group', 4: 'class' };

function build(): { all: Industry[]; byCode: Map<string, Industry>; sectionOfDivision: Map<string, string> } {
  const all: Industry[] = [];
  const byCode = new Map<string, Industry>();
  const sectionOfDivision = new Map<string, string>();
  const add = (item: Industry): void => {
    if (byCode.has(item.code)) throw new Error(`GB/T 4754 data: duplicate code ${item.code}`);
    byCode.set(item.code, item);
    all.push(item);
  };
  let section = '';
  for (const raw of GBT4754_2017.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const space = line.indexOf(' ');
    const code = line.slice(0, space);
    const name = line.slice(space + 1).trim();
    if (/^[A-T]$/.test(code)) {
      section = code;
      add({ code, digits: '', section, level: 'section', name, parent: null });
      continue;
    }
    if (!/^\d{2,4}$/.test(code) || section === '') throw new Error(`GB/T 4754 data: bad line "${line}"`);
    if (code.length === 2) {
      sectionOfDivision.set(code, section);
      add({ code: section + code, digits: code, section, level: 'division', name, parent: section });
      continue;
    }
    const div = code.slice(0, 2);
    const sec = sectionOfDivision.get(div);
    if (sec === undefined) throw new Error(`GB/T 4754 data: ${code} before its division`);
    if (code.length === 3) {
      add({ code: sec + code, digits: code, section: sec, level: 'group', name, parent: sec + div });
      continue;
    }
    const group = code.slice(0, 3);
    if (!byCode.has(sec + group)) {
      // A group printed on one row with its only class (e.g. 134/1340 制糖业) shares its name.
      add({ code: sec + group, digits: group, section: sec, level: 'group', name, parent: sec + div });
    }
    add({ code: sec + code, digits: code, section: sec, level: 'class', name, parent: sec + group });
  }
  return { all, byCode, sectionOfDivision };
}

const { all: ALL, byCode: BY_CODE, sectionOfDivision: SECTION_OF_DIVISION } = build();

/** Every entry in standard order (section, then its divisions, groups and classes). */
export const INDUSTRIES: readonly Industry[] = ALL;

/**
 * Normalises an industry code to its canonical form ("3911" → "C3911", "c39" → "C39"),
 * or returns undefined when the text is not shaped like a GB/T 4754 code or names
 * a division that does not exist. It does not check that a group or class exists.
 */
export function normalizeIndustryCode(input: string): string | undefined {
  const text = input.trim().toUpperCase();
  const m = /^([A-T])?(\d{2,4})?$/.exec(text);
  if (!m || text === '') return undefined;
  const letter = m[1];
  const digits = m[2] ?? '';
  if (digits === '') return letter;
  const sec = SECTION_OF_DIVISION.get(digits.slice(0, 2));
  if (sec === undefined || (letter !== undefined && letter !== sec)) return undefined;
  return sec + digits;
}

/** The entry for a code in any accepted form, or undefined. */
export function findIndustry(input: string): Industry | undefined {
  const code = normalizeIndustryCode(input);
  return code === undefined ? undefined : BY_CODE.get(code);
}

/** Like findIndustry but throws CodesError (INDUSTRY_CODE_INVALID / INDUSTRY_CODE_UNKNOWN). */
export function getIndustry(input: string): Industry {
  const code = normalizeIndustryCode(input);
  if (code === undefined) {
    const text = input.trim().toUpperCase();
    if (/^[A-T]?\d{2,4}$/.test(text) || /^[A-T]$/.test(text)) {
      throw new CodesError('INDUSTRY_CODE_UNKNOWN', `行业代码“${input}”在GB/T 4754-2017中不存在`);
    }
    throw new CodesError(
      'INDUSTRY_CODE_INVALID',
      `行业代码“${input}”格式不正确（应为门类字母A-T，或2-4位数字，可带门类字母，如C、C39、C391、C3911、3911）`,
    );
  }
  const found = BY_CODE.get(code);
  if (!found) throw new CodesError('INDUSTRY_CODE_UNKNOWN', `行业代码“${input}”在GB/T 4754-2017中不存在`);
  return found;
}

/** The chain from section down to the entry itself. */
export function industryPath(input: string): Industry[] {
  const path: Industry[] = [];
  let cur: Industry | undefined = getIndustry(input);
  while (cur) {
    path.unshift(cur);
    cur = cur.parent === null ? undefined : BY_CODE.get(cur.parent);
  }
  return path;
}

/**
 * Names from section to the entry, joined with " / ", skipping a group whose
 * name repeats its only class (e.g. "制造业 / 农副食品加工业 / 制糖业").
 */
export function industryNamePath(input: string): string {
  const names: string[] = [];
  for (const item of industryPath(input)) {
    if (names[names.length - 1] !== item.name) names.push(item.name);
  }
  return names.join(' / ');
}

/**
 * True when `code` is `parent` or lies below it (C3911 within C39, C39 within C,
 * 3911 within C391). Throws CodesError for a code that does not exist.
 */
export function isIndustryWithin(code: string, parent: string): boolean {
  const child = getIndustry(code).code;
  const ancestor = getIndustry(parent).code;
  return child.startsWith(ancestor);
}

/** Direct children of an entry (divisions of a section, groups of a division, classes of a group). */
export function industryChildren(input: string): Industry[] {
  const code = getIndustry(input).code;
  return ALL.filter((i) => i.parent === code);
}

/** Entries of one level, in standard order. */
export function industriesAtLevel(level: IndustryLevel): Industry[] {
  return ALL.filter((i) => i.level === level);
}

/** Entries whose name contains the text (e.g. "软件"), in standard order. */
export function searchIndustries(text: string): Industry[] {
  const q = text.trim();
  if (q === '') return [];
  return ALL.filter((i) => i.name.includes(q));
}

/** Level of a canonical code by its shape. */
export function industryLevelOf(code: string): IndustryLevel | undefined {
  const norm = normalizeIndustryCode(code);
  return norm === undefined ? undefined : LEVEL_BY_LENGTH[norm.length - 1];
}
