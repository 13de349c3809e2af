import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser, type PageWindow } from './support/browser.js';
import { dropDatabases } from './support/database.js';
import { createUser, startApp, type TestApp } from './support/test-app.js';

/**
 * The OpenAPI explorer in a real Chromium, as a newcomer uses it: log in through POST /api/token/,
 * call GET /api/me/, reload the page, call it again. Screenshots go to test-artifacts/browser/.
 */
jest.setTimeout(120000);

describe('the explorer in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startApp({ OPENAPI_PATH: 'api/docs' });
    await createUser(t, { username: 'alice' });
    browser = await launchBrowser();
    page = await browser.newPage();
    // Swagger UI logs the 401 the last test asks for, and a deprecation notice about deep links.
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await dropDatabases();
  });

  /** Opens an operation, fills its body (if given), executes it; the status and body it shows. */
  async function execute(operation: string, body?: unknown): Promise<{ status: string; body: string }> {
    const block = page.locator(`#operations-${operation}`);
    if (!(await block.locator('.opblock-body').isVisible())) await block.locator('.opblock-summary').first().click();
    const tryOut = block.locator('button.try-out__btn');
    if ((await tryOut.textContent())?.trim() === 'Try it out') await tryOut.click();
    if (body !== undefined) await block.locator('textarea.body-param__text').fill(JSON.stringify(body));
    await block.locator('button.execute').click();
    const status = block.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    const shown = block.locator('.live-responses-table .response-col_description pre').first();
    return { status: (await status.textContent())?.trim() ?? '', body: (await shown.textContent()) ?? '' };
  }

  it('logs in through POST /api/token/, and GET /api/me/ then answers 200', async () => {
    await page.goto(`${t.url}/api/docs`);
    await page.locator('#operations-token-TokenController_obtainPair').waitFor();
    const login = await execute('token-TokenController_obtainPair', { username: 'alice', password: 'correct horse' });
    expect(login.status).toBe('200');
    expect(Object.keys(JSON.parse(login.body))).toEqual(['refresh', 'access']);
    const stored = JSON.parse((await page.evaluate(() => (globalThis as unknown as PageWindow).localStorage.getItem('authorized'))) ?? 'null');
    expect(stored?.bearer?.value).toBe(JSON.parse(login.body).access);
    const me = await execute('users-MeController_me');
    expect([me.status, JSON.parse(me.body).username]).toEqual(['200', 'alice']);
    await browser.screenshot(page, 'explorer-1-logged-in');
  });

  it('stays logged in after a reload: GET /api/me/ answers 200 again', async () => {
    await page.reload();
    await page.locator('#operations-users-MeController_me').waitFor();
    const me = await execute('users-MeController_me');
    expect([me.status, JSON.parse(me.body).username]).toEqual(['200', 'alice']);
    await browser.screenshot(page, 'explorer-2-after-reload');
    await page.locator('#operations-users-MeController_me .request-url').first().evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await browser.screenshot(page, 'explorer-2-after-reload-window', false);
  });

  it('forgets the token on logout through POST /api/token/blacklist/: GET /api/me/ is a 401 again', async () => {
    const refresh = await execute('token-TokenController_obtainPair', { username: 'alice', password: 'correct horse' });
    const logout = await execute('token-TokenController_blacklist', { refresh: JSON.parse(refresh.body).refresh });
    expect(logout.status).toBe('200');
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).localStorage.getItem('authorized'))).toBe('{}');
    const me = await execute('users-MeController_me');
    expect([me.status, JSON.parse(me.body)]).toEqual(['401', { detail: 'Authentication credentials were not provided.' }]);
  });

  it('ran without a script error or a Content-Security-Policy refusal', () => {
    expect(problems).toEqual([]);
  });
});
