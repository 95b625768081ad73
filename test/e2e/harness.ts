// Starts the real server (in-memory PGlite with demo data) and a headless
// Chromium for one test file; helpers for the steps every journey repeats.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer } from '../../src/server/start.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(ROOT, 'docs/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const DEMO_PASSWORD = 'demo';
export const DEMO_ROLES = ['admin', 'dept', 'street', 'specialist', 'inspector', 'leader', 'enterprise'] as const;
export type DemoRole = (typeof DEMO_ROLES)[number];

export interface Harness {
  url: string;
  browser: Browser;
  /** A fresh browser context (own cookies and localStorage) at 1280×800. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  if (!fs.existsSync(path.join(ROOT, 'web/dist/index.html'))) {
    throw new Error('web/dist is missing: run `npm run build:web` (npm run test:e2e does it for you)');
  }
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir: 'memory://', demo: true, quiet: true });
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (err) {
    await server.close();
    throw err;
  }
  return {
    url: server.url,
    browser,
    async newPage() {
      const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', reducedMotion: 'reduce' });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Fills the login form and waits until the signed-in layout shows. */
export async function loginUi(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.locator('#login_username').fill(username);
  await page.locator('#login_password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('side-menu').waitFor();
}

/** Labels of the side-menu entries, in order. */
export async function menuLabels(page: Page): Promise<string[]> {
  const items = page.getByTestId('side-menu').locator('.ant-menu-item .ant-menu-title-content');
  return (await items.allInnerTexts()).map((s) => s.trim());
}

export async function logoutUi(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.locator('.ant-dropdown-menu-item').filter({ hasText: /退出登录|Log out/ }).click();
  await page.waitForURL('**/login');
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name);
}

/** An API session outside the browser, for set-up steps the test is not about. */
export class ApiSession {
  private constructor(
    private readonly base: string,
    private readonly cookie: string,
    private readonly csrf: string,
  ) {}

  static async login(base: string, username: string, password: string): Promise<ApiSession> {
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { csrfToken: string };
    const cookie = (res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    return new ApiSession(base, cookie, body.csrfToken);
  }

  async post(pathname: string, body: unknown): Promise<Response> {
    return fetch(`${this.base}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: this.cookie, 'x-csrf-token': this.csrf },
      body: JSON.stringify(body),
    });
  }
}
