// 工作日历 in the browser (SPEC F-9, issue 12 items 17–18): an application whose
// review deadline runs into 2027 shows it as 暂定; the admin opens 工作日历, loads a
// synthetic 2027 in the holiday-cn format (test/fixtures — a made-up schedule,
// never shipped), sees 2027 listed, and the deadline is recomputed and no longer
// provisional. The page works on a 390×844 phone, and times show in Asia/Shanghai
// whatever the browser's time zone.
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../src/core/calendar/index.ts';
import { todayInShanghai } from '../../src/platform/clock.ts';
import { DEMO_PASSWORD, loginUi, screenshotPath, startHarness, type Harness } from './harness.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/holiday-cn-2027-synthetic.json', import.meta.url));

let h: Harness;
let appId = 0;
let provisionalDue = '';

type Call = (method: string, path: string, body?: unknown) => Promise<Response>;
async function session(username: string): Promise<Call> {
  const res = await fetch(`${h.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = (res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  return (method, p, body) => fetch(`${h.url}${p}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
}

function poll<T>(fn: () => Promise<T>) {
  return expect.poll(fn, { timeout: 15_000 });
}

/** Working days that take a deadline from today into January 2027 (after 1 January, a holiday in the fixture). */
function daysIntoJanuary2027(today: string): number {
  for (let n = 1; n <= 60; n++) if (defaultCalendar.addWorkdaysProvisional(today, n).date >= '2027-01-04') return n;
  throw new Error(`no review period of at most 60 working days from ${today} ends in January 2027`);
}

beforeAll(async () => {
  const today = todayInShanghai();
  // The journey needs today before January 2027 and 2027 not built in; when 2027 ships, move the fixture to the next unpublished year.
  expect(defaultCalendar.covers(2027), '2027 is built in now: use a later synthetic year').toBe(false);
  expect(today < '2027-01-04', `today (${today}) is past the window this journey was written for`).toBe(true);
  h = await startHarness();
  // Set-up through the API: 区市场监管局 publishes an apply-mode policy reviewed in enough working days to reach January 2027.
  const dept = await session('dept');
  const policy = { title: '跨年审核测试政策', department: 'scjgj', category: '资金补贴', mode: 'apply', keyPoints: ['测试'], text: '<p>测试</p>', validFrom: '2026-01-01', validTo: '2027-12-31', applyFrom: '2026-01-01', applyTo: '2027-12-31', eligibility: true, materials: [], budget: null, tags: [] };
  const created = await dept('POST', '/api/v1/policies', policy);
  expect(created.status, await created.clone().text()).toBe(201);
  const { id: policyId } = (await created.json()) as { id: number };
  for (const step of ['submit', 'publish']) expect((await dept('POST', `/api/v1/policies/${policyId}/${step}`, {})).status).toBe(200);
  expect((await dept('PUT', `/api/v1/policies/${policyId}/application-settings`, { reviewDays: daysIntoJanuary2027(today), supplementDays: 5, allowedTypes: ['pdf'], maxFileBytes: 1024 * 1024 })).status).toBe(200);
  // The enterprise applies and submits; the review deadline lands in 2027, which has no data yet.
  const ent = await session('enterprise');
  const app = await ent('POST', `/api/v1/policies/${policyId}/applications`);
  expect(app.status).toBe(201);
  appId = ((await app.json()) as { id: number }).id;
  expect((await ent('PATCH', `/api/v1/applications/${appId}`, { contactName: '王经理', contactPhone: '13800138000', description: '年末申报' })).status).toBe(200);
  const submitted = (await (await ent('POST', `/api/v1/applications/${appId}/submit`, {})).json()) as { reviewDue: string; reviewDueProvisional: boolean };
  expect(submitted.reviewDueProvisional).toBe(true);
  provisionalDue = submitted.reviewDue;
  expect(provisionalDue.startsWith('2027-01')).toBe(true);
}, 180_000);
afterAll(async () => {
  await h?.close();
});

async function currentStep(p: Page): Promise<string> {
  return (await p.getByTestId('current-step').innerText()).trim();
}

describe('工作日历 (F-9)', () => {
  it('the enterprise sees its review deadline as 暂定; the admin loads 2027 (holiday-cn) and the deadline is recomputed, no longer provisional (screenshot)', async () => {
    const ent = await h.newPage();
    await loginUi(ent, 'enterprise', DEMO_PASSWORD);
    await ent.goto(`/applications/${appId}`);
    await poll(() => currentStep(ent)).toContain(provisionalDue);
    const tag = ent.getByTestId('current-step').getByTestId('deadline-provisional');
    expect(await tag.innerText()).toBe('暂定');
    await tag.hover();
    await ent.locator('.ant-tooltip').filter({ hasText: '周一至周五' }).waitFor();
    await ent.goto('/my-applications');
    const row = ent.getByTestId('applications-table').locator('tr').filter({ has: ent.locator(`a[href="/applications/${appId}"]`) });
    await poll(() => row.innerText()).toContain('暂定');

    // The admin opens 工作日历 from the menu.
    const admin = await h.newPage();
    await loginUi(admin, 'admin', DEMO_PASSWORD);
    await admin.getByTestId('side-menu').getByText('工作日历').click();
    await admin.waitForURL('**/calendar');
    const years = admin.getByTestId('calendar-years');
    await poll(() => years.locator('tbody tr.ant-table-row').count()).toBe(4);
    expect(await years.innerText()).toContain('国办发明电〔2025〕7号');
    await poll(() => admin.getByTestId('calendar-provisional-count').locator('.ant-statistic-content').innerText()).toMatch(/[1-9]/);

    // Upload the file: a preview first, then the load.
    await admin.getByTestId('calendar-upload').click();
    await admin.locator('.ant-modal input[type=file]').setInputFiles(FIXTURE);
    await admin.getByTestId('calendar-chosen').waitFor();
    const preview = admin.getByTestId('calendar-preview');
    await poll(() => preview.innerText()).toContain('2027 年：7 段放假，4 个调休上班日');
    expect(await preview.innerText()).toContain('新增年份');
    expect(await preview.innerText()).toMatch(/导入后将重算 [1-9]\d* 个暂定期限/);
    await admin.getByTestId('calendar-notice').fill('测试数据（非真实通知）');
    await poll(() => preview.innerText()).toContain('2027 年');
    await admin.getByTestId('calendar-confirm').click();
    await admin.locator('.ant-message').filter({ hasText: '已导入 2027 年放假安排' }).waitFor();

    // 2027 is listed as loaded, with its holidays in the year view; the provisional deadlines are recomputed by the job.
    await poll(() => years.locator('tbody tr.ant-table-row').count()).toBe(5);
    const row2027 = years.locator('tbody tr.ant-table-row').filter({ hasText: '2027' });
    expect(await row2027.innerText()).toMatch(/导入[\s\S]*holiday-cn[\s\S]*测试数据（非真实通知）[\s\S]*admin/);
    await admin.getByTestId('calendar-view-2027').click();
    await poll(() => admin.getByTestId('calendar-year-view').innerText()).toContain('元旦（测试）');
    expect(await admin.getByTestId('calendar-makeup').innerText()).toContain('2027-02-20 周六');
    await poll(() => admin.getByTestId('calendar-provisional-count').locator('.ant-statistic-content').innerText()).toBe('0');
    await admin.screenshot({ path: screenshotPath('calendar.png'), fullPage: true });

    // The enterprise's deadline is final now (1 January 2027 is a holiday in the loaded year, so it moved).
    await ent.goto(`/applications/${appId}`);
    await poll(() => currentStep(ent)).not.toContain(provisionalDue);
    expect(await ent.getByTestId('current-step').getByTestId('deadline-provisional').count()).toBe(0);
    expect(await ent.getByTestId('application-progress').innerText()).toContain('期限重算');
    await ent.context().close();
    await admin.context().close();
  });

  it('works on a 390×844 phone, and shows times in Asia/Shanghai in a browser set to New York', async () => {
    const context = await h.browser.newContext({ baseURL: h.url, viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'America/New_York', reducedMotion: 'reduce', isMobile: true, hasTouch: true });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    // On a phone the side menu is folded away: wait for the header instead.
    await page.goto('/login');
    await page.locator('#login_username').fill('admin');
    await page.locator('#login_password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-menu').waitFor();
    expect(await page.getByTestId('side-menu').isVisible()).toBe(false);
    // The header's menu button opens the menu over the page; choosing an entry closes it.
    await page.getByTestId('menu-toggle').click();
    await page.getByTestId('side-menu').getByText('工作日历').click();
    await page.waitForURL('**/calendar');
    await poll(() => page.getByTestId('side-menu').isVisible()).toBe(false);
    const years = page.getByTestId('calendar-years');
    await poll(() => years.locator('tbody tr.ant-table-row').count()).toBe(5);
    await page.getByTestId('calendar-upload').waitFor();
    // Nothing wider than the screen but the table, which scrolls inside its card.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const box = await years.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);

    // loadedAt is an instant: the page shows it on the Shanghai clock, not New York's (13 hours apart).
    const admin = await session('admin');
    const loaded = ((await (await admin('GET', '/api/v1/calendar/years')).json()) as { items: Array<{ year: number; loadedAt: string | null }> }).items.find((y) => y.year === 2027)!;
    const inZone = (timeZone: string) => {
      const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(loaded.loadedAt!)).map((x) => [x.type, x.value]));
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
    };
    expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('America/New_York');
    const row = years.locator('tbody tr.ant-table-row').filter({ hasText: '2027' });
    expect(await row.innerText()).toContain(inZone('Asia/Shanghai'));
    expect(await row.innerText()).not.toContain(inZone('America/New_York'));
    await page.screenshot({ path: screenshotPath('calendar-phone.png'), fullPage: true });
    await context.close();
  });
});
