import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { dropDatabases, emptyDatabase } from '../../../test/support/database.js';
import { AccountStore, type Account } from './support/account-store.js';
import { ADAPTERS, SIGNING_KEY, startAdopter, type AdopterApp } from './support/adapters.js';

/**
 * Cookie mode and CSRF (dj-rest-auth's JWT_AUTH_* and Django's CSRF_* settings) in an adopter's
 * app on Express and on Fastify: what a browser app sends and gets back, byte for byte.
 */

const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };
const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };
const csrfFailed = (reason: string) => ({ detail: `CSRF Failed: ${reason}` });
const LIFETIMES = { ACCESS_TOKEN_LIFETIME: 300, REFRESH_TOKEN_LIFETIME: 3600 };

/** The cookies a response sets: name → value and the attributes after it, as sent. */
function setCookies(res: Response): Record<string, { value: string; attributes: string }> {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  const cookies: Record<string, { value: string; attributes: string }> = {};
  for (const line of header ?? []) {
    const [pair, ...attributes] = line.split('; ');
    const eq = pair.indexOf('=');
    cookies[pair.slice(0, eq)] = { value: pair.slice(eq + 1), attributes: attributes.filter((a) => !a.startsWith('Expires=')).join('; ') };
  }
  return cookies;
}

/** A browser's cookie jar, in as few lines as the specs need: cookies in, Cookie header out. */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): this {
    for (const [name, { value, attributes }] of Object.entries(setCookies(res))) {
      if (attributes.startsWith('Max-Age=0')) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return this;
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
  header(...only: string[]): string {
    return [...this.cookies].filter(([name]) => only.length === 0 || only.includes(name)).map(([n, v]) => `${n}=${v}`).join('; ');
  }
}

afterAll(() => dropDatabases());

describe.each(ADAPTERS)('cookie mode and CSRF on %s', (adapter) => {
  let t: AdopterApp;
  let store: AccountStore;
  let alice: Account;

  beforeAll(async () => {
    const url = await emptyDatabase();
    store = await AccountStore.create(url);
    alice = await store.add('alice@example.com', 'correct horse');
    t = await startAdopter(adapter, {
      SIGNING_KEY,
      userStore: store,
      database: url,
      runMigrations: true,
      DEFAULT_THROTTLE_RATES: {},
      ...LIFETIMES,
      JWT_AUTH_COOKIE: 'access-token',
      JWT_AUTH_REFRESH_COOKIE: 'refresh-token',
      CSRF_TRUSTED_ORIGINS: ['https://app.example.com'],
    });
  });
  afterAll(async () => {
    await t?.close();
    await store?.close();
  });

  async function loggedIn(): Promise<Jar> {
    const res = await t.http().post('/api/token/').send({ username: 'alice@example.com', password: 'correct horse' });
    expect(res.status).toBe(200);
    return new Jar().take(res);
  }
  /** A POST with every cookie of the jar and, unless `csrf` is null, the X-CSRFToken header. */
  const post = (jar: Jar, path: string, csrf: string | null = jar.get('csrftoken') ?? null) => {
    const req = t.http().post(path).set('Cookie', jar.header());
    return csrf === null ? req : req.set('X-CSRFToken', csrf);
  };

  it('logs in with both token cookies (HttpOnly) and a csrftoken scripts can read; the refresh token stays out of the body', async () => {
    const res = await t.http().post('/api/token/').send({ username: 'alice@example.com', password: 'correct horse' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['access']);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    const cookies = setCookies(res);
    expect(Object.keys(cookies)).toEqual(['access-token', 'refresh-token', 'csrftoken']);
    expect(cookies['access-token']).toEqual({ value: res.body.access, attributes: 'Max-Age=300; Path=/; HttpOnly; SameSite=Lax' });
    expect(cookies['refresh-token'].value.split('.')).toHaveLength(3);
    expect(cookies['refresh-token'].attributes).toBe('Max-Age=3600; Path=/api/token; HttpOnly; SameSite=Lax');
    expect(cookies.csrftoken.value).toMatch(/^[a-zA-Z0-9]{32}$/);
    expect(cookies.csrftoken.attributes).toBe('Max-Age=31449600; Path=/; SameSite=Lax');
  });

  it('authenticates a request by its access cookie; without one it is anonymous', async () => {
    const jar = await loggedIn();
    const mine = await t.http().get('/api/profile/').set('Cookie', jar.header('access-token'));
    expect([mine.status, mine.body]).toEqual([200, { id: alice.id }]);
    const none = await t.http().get('/api/profile/').set('Cookie', jar.header('csrftoken'));
    expect([none.status, none.body]).toEqual([401, NOT_PROVIDED]);
  });

  it('lets an Authorization header win over the cookie, whatever its scheme, and asks such requests for no CSRF token', async () => {
    const jar = await loggedIn();
    const { access } = (await t.http().post('/api/token/').send({ username: 'alice@example.com', password: 'correct horse' })).body;
    const basic = await t.http().get('/api/profile/').set('Cookie', jar.header()).set('Authorization', 'Basic YWxpY2U6eA==');
    expect([basic.status, basic.body]).toEqual([401, NOT_PROVIDED]);
    const bearer = await t.http().post('/api/messages/').set('Cookie', jar.header()).set('Authorization', `Bearer ${access}`).set('Origin', 'https://evil.example');
    expect([bearer.status, bearer.body]).toEqual([201, { sent: true, by: alice.id }]);
  });

  it("protects an unsafe request authenticated by a cookie with Django's double submit", async () => {
    const jar = await loggedIn();
    const ok = await post(jar, '/api/messages/');
    expect([ok.status, ok.body]).toEqual([201, { sent: true, by: alice.id }]);
    const missing = await post(jar, '/api/messages/', null);
    expect([missing.status, missing.body]).toEqual([403, csrfFailed('CSRF token missing.')]);
    const incorrect = await post(jar, '/api/messages/', 'x'.repeat(32));
    expect([incorrect.status, incorrect.body]).toEqual([403, csrfFailed('CSRF token incorrect.')]);
    const noCookie = await t.http().post('/api/messages/').set('Cookie', jar.header('access-token')).set('X-CSRFToken', jar.get('csrftoken')!);
    expect([noCookie.status, noCookie.body]).toEqual([403, csrfFailed('CSRF cookie not set.')]);
    expect(missing.headers['www-authenticate']).toBeUndefined();
  });

  it('checks the Origin against the API\'s own and CSRF_TRUSTED_ORIGINS, and refuses Sec-Fetch-Site: cross-site from anywhere else', async () => {
    const jar = await loggedIn();
    const evil = await post(jar, '/api/messages/').set('Origin', 'https://evil.example');
    expect([evil.status, evil.body]).toEqual([403, csrfFailed('Origin checking failed - https://evil.example does not match any trusted origins.')]);
    const trusted = await post(jar, '/api/messages/').set('Origin', 'https://app.example.com').set('Sec-Fetch-Site', 'cross-site');
    expect(trusted.status).toBe(201);
    const own = await post(jar, '/api/messages/').set('Origin', t.url).set('Sec-Fetch-Site', 'same-origin');
    expect(own.status).toBe(201);
    const crossSite = await post(jar, '/api/messages/').set('Sec-Fetch-Site', 'cross-site');
    expect([crossSite.status, crossSite.body]).toEqual([403, csrfFailed('Origin checking failed - null does not match any trusted origins.')]);
  });

  it('asks safe methods for no token, and checks before the route answers 405', async () => {
    const jar = await loggedIn();
    expect((await t.http().get('/api/profile/').set('Cookie', jar.header('access-token'))).status).toBe(200);
    const put = await t.http().put('/api/profile/').set('Cookie', jar.header('access-token'));
    expect([put.status, put.body]).toEqual([403, csrfFailed('CSRF cookie not set.')]);
  });

  it('refreshes from the refresh cookie (with the CSRF token), rotating both cookies; a replay of the old one gets the same cookies back', async () => {
    const jar = await loggedIn();
    const old = jar.get('refresh-token')!;
    const refused = await post(jar, '/api/token/refresh/', null);
    expect([refused.status, refused.body]).toEqual([403, csrfFailed('CSRF token missing.')]);
    const res = await post(jar, '/api/token/refresh/');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['access']);
    expect(res.headers['cache-control']).toBe('no-store');
    const cookies = setCookies(res);
    expect(Object.keys(cookies)).toEqual(['access-token', 'refresh-token']);
    expect(cookies['access-token'].value).toBe(res.body.access);
    expect(cookies['refresh-token'].value).not.toBe(old);
    // Within the session's grace window the rotated token's successor pair comes back (two tabs racing).
    const replay = await t.http().post('/api/token/refresh/').set('Cookie', `refresh-token=${old}; csrftoken=${jar.get('csrftoken')}`).set('X-CSRFToken', jar.get('csrftoken')!);
    expect([replay.status, replay.body]).toEqual([200, res.body]);
    expect(setCookies(replay)['refresh-token'].value).toBe(cookies['refresh-token'].value);
  });

  it('keeps body mode exactly as it was when no cookie is sent', async () => {
    const empty = await t.http().post('/api/token/refresh/').send({});
    expect([empty.status, empty.body]).toEqual([400, { refresh: ['This field is required.'] }]);
    const blank = await t.http().post('/api/token/blacklist/').send({ refresh: '' });
    expect([blank.status, blank.body]).toEqual([400, { refresh: ['This field may not be blank.'] }]);
    const list = await t.http().post('/api/token/refresh/').set('Content-Type', 'application/json').send('[]');
    expect([list.status, list.body]).toEqual([400, { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] }]);
    const jar = await loggedIn();
    const text = await post(jar, '/api/token/refresh/').set('Content-Type', 'text/plain').send('hello');
    expect([text.status, text.body]).toEqual([415, { detail: 'Unsupported media type "text/plain" in request.' }]);
  });

  it('logs out from the cookie: deletes both cookies and ends the session', async () => {
    const jar = await loggedIn();
    const refresh = jar.get('refresh-token')!;
    const forged = await post(jar, '/api/token/blacklist/').set('Origin', 'https://evil.example');
    expect(forged.status).toBe(403);
    expect(setCookies(forged)).toEqual({});
    const res = await post(jar, '/api/token/blacklist/');
    expect([res.status, res.body]).toEqual([200, {}]);
    expect(setCookies(res)).toEqual({
      'access-token': { value: '', attributes: 'Max-Age=0; Path=/; HttpOnly; SameSite=Lax' },
      'refresh-token': { value: '', attributes: 'Max-Age=0; Path=/api/token; HttpOnly; SameSite=Lax' },
    });
    const after = await t.http().post('/api/token/refresh/').send({ refresh });
    expect([after.status, after.body]).toEqual([401, BLACKLISTED]);
    const gone = await post(jar.take(res), '/api/token/refresh/');
    expect([gone.status, gone.body]).toEqual([400, { refresh: ['This field is required.'] }]);
  });

  it('still deletes the cookies when the refresh cookie is dead', async () => {
    const jar = await loggedIn();
    await post(jar, '/api/token/blacklist/');
    const again = await post(jar, '/api/token/blacklist/');
    expect([again.status, again.body]).toEqual([401, BLACKLISTED]);
    expect(Object.keys(setCookies(again))).toEqual(['access-token', 'refresh-token']);
  });
});
