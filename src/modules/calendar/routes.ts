import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AuthUser } from '../../platform/access.ts';
import type { Actor } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/module.ts';
import { answer, loadYear, previewYear, provisionalStatus } from './commands.ts';
import type { CalendarDeps } from './deadlines.ts';
import { listYears, yearDetail } from './queries.ts';
import { currentCalendar } from './store.ts';

const tags = ['calendar'];
const DATE = Type.String({ maxLength: 10, description: 'YYYY-MM-DD' });
const YearParams = Type.Object({ year: Type.Integer({ minimum: 1, maximum: 9999 }) });
// The file travels as parsed JSON inside the body; its structure is checked by the calendar's own strict parser, field by field.
const LoadBody = Type.Object(
  {
    file: Type.Unknown({ description: 'holiday-cn JSON ({year, papers, days:[{name,date,isOffDay}]}) or Qifu HolidayYearData ({year, notice, title, holidays, makeupWorkdays})' }),
    notice: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: '文号, for a holiday-cn file' })),
    replace: Type.Optional(Type.Boolean({ description: 'replace a year already covered (built-in or loaded)' })),
  },
  { additionalProperties: false },
);
const READ = { access: 'authenticated', scope: 'none' } as const;
const ADMIN = { access: ['admin'], scope: 'global' } as const;

function actorOf(user: AuthUser): Actor {
  return { userId: user.id, username: user.username, role: user.role };
}

/** 工作日历 (F-9): questions about working days, the covered years, and loading a year (admin). */
export function calendarRoutes(deps: CalendarDeps) {
  return async (app: FastifyInstance, ctx: AppContext): Promise<void> => {
    const { db } = ctx;

    app.get('/calendar/years', { config: READ, schema: { tags, summary: '工作日历已覆盖的年份（内置或导入）' } }, async () => ({ items: await listYears(db) }));

    app.get('/calendar/years/:year', { config: READ, schema: { tags, summary: '某年的放假安排与调休上班日（未覆盖的年份 422）', params: YearParams } }, async (req) => yearDetail(db, (req.params as { year: number }).year));

    app.get('/calendar/days/:date', { config: READ, schema: { tags, summary: '某日是否为工作日（未覆盖的年份 422 CALENDAR_YEAR_NOT_COVERED）', params: Type.Object({ date: DATE }) } }, async (req) => {
      const calendar = await currentCalendar(db);
      return answer(() => calendar.dayInfo((req.params as { date: string }).date), 'date');
    });

    app.get(
      '/calendar/add-workdays',
      { config: READ, schema: { tags, summary: 'DATE 之后第 N 个工作日（N 为负数时为之前）', querystring: Type.Object({ date: DATE, n: Type.Integer({ minimum: -3660, maximum: 3660 }) }) } },
      async (req) => {
        const { date, n } = req.query as { date: string; n: number };
        const calendar = await currentCalendar(db);
        return { date, n, result: answer(() => calendar.addWorkdays(date, n), 'date') };
      },
    );

    app.get('/calendar/workdays', { config: READ, schema: { tags, summary: 'FROM 至 TO（含两端）的工作日数', querystring: Type.Object({ from: DATE, to: DATE }) } }, async (req) => {
      const { from, to } = req.query as { from: string; to: string };
      const calendar = await currentCalendar(db);
      return { from, to, workdays: answer(() => calendar.workdaysBetween(from, to), 'from') };
    });

    app.get('/calendar/status', { config: ADMIN, schema: { tags, summary: '等待重算的暂定期限与重算任务' } }, async () => provisionalStatus(db, deps));

    app.post('/calendar/years/preview', { config: ADMIN, schema: { tags, summary: '预览导入一年的放假安排（不做任何修改）', body: LoadBody } }, async (req) => previewYear(db, deps, req.body as Static<typeof LoadBody>));

    app.post('/calendar/years', { config: ADMIN, schema: { tags, summary: '导入一年的放假安排（holiday-cn 或本系统格式）；已覆盖的年份须 replace', body: LoadBody } }, async (req, reply) => {
      const r = await loadYear(db, deps, actorOf(req.user!), req.body as Static<typeof LoadBody>);
      return reply.status(r.unchanged ? 200 : 201).send(r);
    });
  };
}
