/**
 * Year files loaded at run time (F-9): the holiday-cn JSON format
 * (github.com/NateScarlet/holiday-cn: `{year, papers, days:[{name, date, isOffDay}]}`)
 * and our own HolidayYearData. Parsing is strict — every value is checked for
 * its type, and the first problem is a CALENDAR_DATA_INVALID error naming the
 * place in the file (`field`, e.g. `days[3].date`) — then the result passes the
 * same consistency checks as the built-in years (calendarFromYears).
 */
import { calendarFromYears } from './calendar.ts';
import { isValidDate, toEpochDay } from './dates.ts';
import { CalendarError, type HolidayPeriod, type HolidayYearData, type MakeupWorkday } from './types.ts';

export type YearFileFormat = 'holiday-cn' | 'qifu';

export interface ParsedYearFile {
  format: YearFileFormat;
  data: HolidayYearData;
}

export interface ParseOptions {
  /** Notice number (文号) for a holiday-cn file, which carries only the notice's URL. */
  notice?: string;
}

const NEIGHBOUR_DAYS = 7;
const MAX_ENTRIES = 400;
// Control characters (NUL among them) are refused: PostgreSQL rejects NUL in text and jsonb.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function fail(message: string, field?: string, year?: number): never {
  throw new CalendarError('CALENDAR_DATA_INVALID', message, year, field);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) fail(`${where}含有未知字段“${k.slice(0, 40)}”（允许：${allowed.join('、')}）`, where === '文件' ? k : `${where}.${k}`);
  }
}

function text(v: unknown, field: string, max: number, label: string): string {
  if (typeof v !== 'string') fail(`${label}（${field}）应为字符串`, field);
  const s = v.trim();
  if (!s) fail(`${label}（${field}）不能为空`, field);
  if (s.length > max) fail(`${label}（${field}）不能超过${max}个字符`, field);
  if (CONTROL.test(s)) fail(`${label}（${field}）含有控制字符`, field);
  return s;
}

function date(v: unknown, field: string, label: string): string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || !isValidDate(v)) {
    fail(`${label}（${field}）“${typeof v === 'string' ? v.slice(0, 20) : JSON.stringify(v)?.slice(0, 20)}”不是YYYY-MM-DD格式的有效日期`, field);
  }
  return v;
}

function yearOfFile(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1949 || v > 9999) fail(`年份（year）应为1949至9999之间的整数，实际为${JSON.stringify(v)?.slice(0, 20)}`, 'year');
  return v;
}

function list(v: unknown, field: string, label: string, min: number): unknown[] {
  if (!Array.isArray(v)) fail(`${label}（${field}）应为数组`, field);
  if (v.length < min) fail(`${label}（${field}）为空：${min > 0 ? '该年的放假安排可能尚未发布' : ''}`, field);
  if (v.length > MAX_ENTRIES) fail(`${label}（${field}）最多${MAX_ENTRIES}项`, field);
  return v;
}

function inWindow(d: string, year: number): boolean {
  const day = toEpochDay(d);
  return day >= toEpochDay(`${year}-01-01`) - NEIGHBOUR_DAYS && day <= toEpochDay(`${year}-12-31`) + NEIGHBOUR_DAYS;
}

/** Runs the consistency checks of the built-in years on one year (make-up days on weekends, `days` matching, no overlaps). */
function checkConsistent(data: HolidayYearData): HolidayYearData {
  const names = new Set(data.holidays.map((h) => h.name));
  data.makeupWorkdays.forEach((m, i) => {
    if (!names.has(m.for)) fail(`调休上班日${m.date}所补的“${m.for}”不是本年的放假安排`, `makeupWorkdays[${i}].for`, data.year);
  });
  if (!data.holidays.some((h) => h.start.startsWith(String(data.year)) || h.end.startsWith(String(data.year)))) {
    fail(`${data.year}年的数据中没有${data.year}年的放假安排`, 'holidays', data.year);
  }
  try {
    calendarFromYears([data]);
  } catch (e) {
    if (e instanceof CalendarError) fail(e.message, undefined, data.year);
    throw e;
  }
  return data;
}

/**
 * Our own format, as in src/core/calendar/data/YYYY.ts:
 * `{year, notice, title, issued?, holidays:[{name,start,end,days}], makeupWorkdays:[{date,for}], sources?}`.
 */
export function parseQifuYear(input: unknown): HolidayYearData {
  if (!isObject(input)) fail('文件内容应为一个JSON对象');
  onlyKeys(input, ['year', 'notice', 'title', 'issued', 'holidays', 'makeupWorkdays', 'sources'], '文件');
  const year = yearOfFile(input.year);
  const notice = text(input.notice, 'notice', 200, '通知文号');
  const title = text(input.title, 'title', 200, '通知标题');
  const issued = input.issued === undefined ? undefined : date(input.issued, 'issued', '发布日期');
  const holidays: HolidayPeriod[] = list(input.holidays, 'holidays', '放假安排', 1).map((h, i) => {
    const f = `holidays[${i}]`;
    if (!isObject(h)) fail(`放假安排（${f}）应为对象`, f);
    onlyKeys(h, ['name', 'start', 'end', 'days'], f);
    const start = date(h.start, `${f}.start`, '开始日期');
    const end = date(h.end, `${f}.end`, '结束日期');
    if (typeof h.days !== 'number' || !Number.isInteger(h.days) || h.days < 1 || h.days > 60) fail(`天数（${f}.days）应为1至60之间的整数`, `${f}.days`);
    if (!inWindow(start, year) || !inWindow(end, year)) fail(`放假安排（${f}）${start}至${end}不在${year}年内`, f, year);
    return { name: text(h.name, `${f}.name`, 50, '节日名称'), start, end, days: h.days };
  });
  const makeupWorkdays: MakeupWorkday[] = list(input.makeupWorkdays, 'makeupWorkdays', '调休上班日', 0).map((m, i) => {
    const f = `makeupWorkdays[${i}]`;
    if (!isObject(m)) fail(`调休上班日（${f}）应为对象`, f);
    onlyKeys(m, ['date', 'for'], f);
    return { date: date(m.date, `${f}.date`, '调休上班日'), for: text(m.for, `${f}.for`, 50, '所补节日') };
  });
  const sources = input.sources === undefined ? undefined : list(input.sources, 'sources', '来源', 0).map((s, i) => text(s, `sources[${i}]`, 500, '来源'));
  return checkConsistent({ year, notice, title, ...(issued ? { issued } : {}), holidays, makeupWorkdays, ...(sources ? { sources } : {}) });
}

/**
 * The holiday-cn format. Off days (`isOffDay: true`) of one festival on
 * consecutive dates form one holiday period; working days (`false`) are
 * make-up workdays. Days of the neighbouring year that the notice sets (元旦
 * from 2018-12-30 in 2019.json, the make-up Saturday 2018-12-29) are kept:
 * they tell how those dates are treated, although that year itself stays
 * uncovered until its own file is loaded.
 */
export function parseHolidayCn(input: unknown, opts: ParseOptions = {}): HolidayYearData {
  if (!isObject(input)) fail('文件内容应为一个JSON对象');
  onlyKeys(input, ['$schema', '$id', 'year', 'papers', 'days'], '文件');
  for (const k of ['$schema', '$id'] as const) if (input[k] !== undefined) text(input[k], k, 500, k);
  const year = yearOfFile(input.year);
  const papers = list(input.papers, 'papers', '通知链接', 0).map((p, i) => text(p, `papers[${i}]`, 500, '通知链接'));
  const seen = new Map<string, number>();
  const days = list(input.days, 'days', '日期列表', 1).map((d, i) => {
    const f = `days[${i}]`;
    if (!isObject(d)) fail(`日期（${f}）应为对象`, f);
    onlyKeys(d, ['name', 'date', 'isOffDay'], f);
    const day = date(d.date, `${f}.date`, '日期');
    if (typeof d.isOffDay !== 'boolean') fail(`是否放假（${f}.isOffDay）应为 true 或 false`, `${f}.isOffDay`);
    if (!inWindow(day, year)) fail(`日期（${f}.date）${day}不在${year}年内`, `${f}.date`, year);
    const before = seen.get(day);
    if (before !== undefined) fail(`日期${day}出现了两次（days[${before}]、${f}）`, `${f}.date`, year);
    seen.set(day, i);
    return { name: text(d.name, `${f}.name`, 50, '节日名称'), date: day, off: d.isOffDay };
  });
  days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const holidays: HolidayPeriod[] = [];
  const makeupWorkdays: MakeupWorkday[] = [];
  for (const d of days) {
    if (!d.off) {
      makeupWorkdays.push({ date: d.date, for: d.name });
      continue;
    }
    const last = holidays[holidays.length - 1];
    if (last && last.name === d.name && toEpochDay(d.date) === toEpochDay(last.end) + 1) {
      holidays[holidays.length - 1] = { ...last, end: d.date, days: last.days + 1 };
    } else holidays.push({ name: d.name, start: d.date, end: d.date, days: 1 });
  }
  if (holidays.length === 0) fail('文件中没有放假日（isOffDay 为 true 的日期）', 'days', year);
  const notice = opts.notice === undefined ? '文号未注明' : text(opts.notice, 'notice', 200, '通知文号');
  return checkConsistent({ year, notice, title: `国务院办公厅关于${year}年部分节假日安排的通知`, holidays, makeupWorkdays, ...(papers.length ? { sources: papers } : {}) });
}

/** Either format, told apart by its keys (`days` → holiday-cn, `holidays` → ours). */
export function parseYearFile(input: unknown, opts: ParseOptions = {}): ParsedYearFile {
  if (isObject(input) && 'days' in input && !('holidays' in input)) return { format: 'holiday-cn', data: parseHolidayCn(input, opts) };
  if (isObject(input) && 'holidays' in input && !('days' in input)) {
    const data = parseQifuYear(input);
    return { format: 'qifu', data: opts.notice === undefined ? data : { ...data, notice: text(opts.notice, 'notice', 200, '通知文号') } };
  }
  return fail('无法识别的格式：应为 holiday-cn 格式（含 days）或本系统格式（含 holidays、makeupWorkdays）');
}
