import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { launchBrowser, serveStatic, type Browser, type PageWindow } from './support/browser.js';
import { dropDatabases } from './support/database.js';
import { createUser, startApp, type TestApp } from './support/test-app.js';

/**
 * A single-page app on another origin (another port of 127.0.0.1: cross-origin, same site, as
 * app.example.com and api.example.com are) uses the API in cookie mode from a real Chromium: it
 * never holds a token, only the CSRF cookie it repeats in X-CSRFToken. Forged form posts from a
 * cross-site page (evil.example) and from a same-site one are refused.
 */
jest.setTimeout(120000);

/** The SPA: the README's snippet, with each call's status and body kept for the spec and the screenshot. */
const spaPage = (api: string) => `<!doctype html>
<meta charset="utf-8"><title>SPA</title>
<h1>A browser app on another origin</h1>
<pre id="log"></pre>
<script>
const API = ${JSON.stringify(api)};
function csrfToken() {
  return document.cookie.split('; ').find((c) => c.startsWith('csrftoken='))?.split('=')[1] ?? '';
}
async function call(method, path, body) {
  const res = await fetch(API + path, {
    method,
    credentials: 'include',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const result = { status: res.status, body: await res.json() };
  document.getElementById('log').textContent += method + ' ' + path + ' -> ' + res.status + ' ' + JSON.stringify(result.body) + '\\n';
  return result;
}
window.api = {
  login: (username, password) => call('POST', '/api/token/', { username, password }),
  me: () => call('GET', '/api/me/'),
  refresh: () => call('POST', '/api/token/refresh/', {}),
  logout: () => call('POST', '/api/token/blacklist/', {}),
};
</script>`;

/** A page that posts a form to the refresh route as soon as it loads, without any CSRF token. */
const forgery = (api: string) => () => `<!doctype html>
<meta charset="utf-8"><title>Forgery</title>
<form id="f" method="POST" action="${api}/api/token/refresh/"><input type="hidden" name="note" value="forged"></form>
<script>document.getElementById('f').submit();</script>`;

describe('a browser app on another origin, in cookie mode, in Chromium', () => {
  let t: TestApp;
  let spa: Awaited<ReturnType<typeof serveStatic>>;
  let evil: Awaited<ReturnType<typeof serveStatic>>;
  let browser: Browser;
  let page: Page;
  let spaOrigin: string;

  beforeAll(async () => {
    let api = '';
    spa = await serveStatic({ '/': () => spaPage(api) });
    spaOrigin = `http://127.0.0.1:${spa.port}`;
    t = await startApp({
      JWT_AUTH_COOKIE: 'access-token',
      JWT_AUTH_REFRESH_COOKIE: 'refresh-token',
      CORS_ALLOWED_ORIGINS: spaOrigin,
      CORS_ALLOW_CREDENTIALS: 'true',
      CSRF_TRUSTED_ORIGINS: spaOrigin,
    });
    api = t.url;
    evil = await serveStatic({ '/': forgery(api) });
    await createUser(t, { username: 'alice' });
    browser = await launchBrowser(['evil.example']);
    page = await browser.newPage();
    await page.goto(`${spaOrigin}/`);
  });
  afterAll(async () => {
    await browser?.close();
    await evil?.close();
    await spa?.close();
    await t?.close();
    await dropDatabases();
  });

  const api = (name: 'me' | 'refresh' | 'logout') => page.evaluate((n) => (globalThis as unknown as PageWindow).api[n](), name);
  /** document.cookie holds the CSRF cookie and nothing else: never a token. */
  const expectOnlyCsrfCookieVisible = async () => expect(await page.evaluate(() => (globalThis as unknown as PageWindow).document.cookie)).toMatch(/^csrftoken=[a-zA-Z0-9]{32}$/);

  /** What the API answered a page that posted to it (the page shows the JSON body). */
  async function forgedFrom(origin: string): Promise<unknown> {
    const tab = await browser.newPage();
    try {
      await tab.goto(`${origin}/`);
      await tab.waitForURL(`${t.url}/api/token/refresh/`);
      return JSON.parse((await tab.locator('body').innerText()).trim());
    } finally {
      await tab.close();
    }
  }

  it('logs in with credentials: include; the page sees the CSRF cookie but never a token cookie', async () => {
    const login = await page.evaluate(() => (globalThis as unknown as PageWindow).api.login('alice', 'correct horse'));
    expect(login.status).toBe(200);
    expect(Object.keys(login.body as object)).toEqual(['access']);
    await expectOnlyCsrfCookieVisible();
    const jar = await browser.context.cookies(t.url);
    expect(jar.map((c) => [c.name, c.httpOnly]).sort()).toEqual([['access-token', true], ['csrftoken', false]]);
  });

  it('calls a protected route with the access cookie', async () => {
    const me = await api('me');
    expect([me.status, (me.body as { username: string }).username]).toEqual([200, 'alice']);
  });

  it('refuses a cross-site form post to refresh: the Lax refresh cookie is not even sent', async () => {
    expect(await forgedFrom(`http://evil.example:${evil.port}`)).toEqual({ refresh: ['This field is required.'] });
  });

  it('refuses a same-site form post from another origin: CSRF, Origin not trusted', async () => {
    const origin = `http://127.0.0.1:${evil.port}`;
    expect(await forgedFrom(origin)).toEqual({ detail: `CSRF Failed: Origin checking failed - ${origin} does not match any trusted origins.` });
  });

  it('refreshes from the cookie after those forgeries changed nothing; still no token in document.cookie', async () => {
    const refresh = await api('refresh');
    expect([refresh.status, Object.keys(refresh.body as object)]).toEqual([200, ['access']]);
    expect((await api('me')).status).toBe(200);
    await expectOnlyCsrfCookieVisible();
  });

  it('logs out, and is refused afterwards', async () => {
    const logout = await api('logout');
    expect([logout.status, logout.body]).toEqual([200, {}]);
    const me = await api('me');
    expect([me.status, me.body]).toEqual([401, { detail: 'Authentication credentials were not provided.' }]);
    const refresh = await api('refresh');
    expect([refresh.status, refresh.body]).toEqual([400, { refresh: ['This field is required.'] }]);
    expect((await browser.context.cookies(t.url)).map((c) => c.name)).toEqual(['csrftoken']);
    await expectOnlyCsrfCookieVisible();
    await browser.screenshot(page, 'spa-cookie-mode');
  });
});
