import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabases } from './support/database.js';
import { createUser, login, startApp, type TestApp } from './support/test-app.js';

/**
 * What a browser sees of the server beside the bodies (docs/wire-contract.md, "Browser apps"):
 * Django's security headers on every answer, no-store on token answers, and CORS as
 * django-cors-headers answers it, without changing DRF's answer to a plain OPTIONS.
 */

const SPA = 'https://app.example.com';
const DJANGO_HEADERS = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};
const CSP =
  "default-src 'self';base-uri 'self';connect-src 'self';font-src 'self' data:;form-action 'self';frame-ancestors 'none';" +
  "img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline'";
const OPTIONS_BODY = {
  name: 'Token',
  description: '',
  renders: ['application/json'],
  parses: ['application/json', 'application/x-www-form-urlencoded'],
};

afterAll(() => dropDatabases());

describe('security headers and no-store', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ OPENAPI_PATH: 'api/docs' });
    await createUser(t, { username: 'alice' });
  });
  afterAll(() => t.close());

  it.each([
    ['a JSON answer', 'get', '/api/health/', 200],
    ['a 401', 'get', '/api/me/', 401],
    ['a 404', 'get', '/nope/', 404],
    ['a 405', 'get', '/api/token/', 405],
    ['the explorer', 'get', '/api/docs', 200],
  ] as const)("puts Django's defaults and the CSP on %s", async (_case, method, path, status) => {
    const res = await t.http()[method](path);
    expect(res.status).toBe(status);
    expect(res.headers).toMatchObject({ ...DJANGO_HEADERS, 'content-security-policy': CSP });
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it.each(['/api/token/', '/api/token/refresh/', '/api/token/verify/', '/api/token/blacklist/'])(
    'marks what %s answers no-store (RFC 6749 §5.1), errors included',
    async (path) => {
      const res = await t.http().post(path).send({});
      expect(res.status).toBe(400);
      expect([res.headers['cache-control'], res.headers.pragma]).toEqual(['no-store', 'no-cache']);
    },
  );

  it('marks a login no-store, and leaves other routes alone', async () => {
    const res = await t.http().post('/api/token/').send({ username: 'alice', password: 'correct horse' });
    expect([res.status, res.headers['cache-control']]).toEqual([200, 'no-store']);
    expect((await t.http().get('/api/health/')).headers['cache-control']).toBeUndefined();
  });

  it('adds no CORS headers and no cookies while CORS_ALLOWED_ORIGINS and cookie mode are off', async () => {
    const res = await t.http().post('/api/token/').set('Origin', SPA).send({ username: 'alice', password: 'correct horse' });
    expect(Object.keys(res.body)).toEqual(['refresh', 'access']);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    const preflight = await t.http().options('/api/token/').set('Origin', SPA).set('Access-Control-Request-Method', 'POST');
    expect([preflight.status, preflight.body]).toEqual([200, OPTIONS_BODY]);
  });
});

describe('CORS, as django-cors-headers answers it', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ CORS_ALLOWED_ORIGINS: SPA, CORS_ALLOW_CREDENTIALS: 'true' });
    await createUser(t, { username: 'alice' });
  });
  afterAll(() => t.close());

  it('answers a preflight from an allowed origin: 200, empty, what it may send', async () => {
    const res = await t.http().options('/api/token/refresh/').set('Origin', SPA).set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'content-type, x-csrftoken');
    expect([res.status, res.text]).toEqual([200, '']);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': SPA,
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with',
      'access-control-allow-methods': 'DELETE, GET, OPTIONS, PATCH, POST, PUT',
      'access-control-max-age': '86400',
      vary: 'Origin',
      'content-length': '0',
    });
  });

  it('answers a preflight from another origin without allowing it, so the browser refuses', async () => {
    const res = await t.http().options('/api/me/').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect([res.status, res.text]).toEqual([200, '']);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
  });

  it("keeps DRF's answer to a plain OPTIONS, with an Origin or without", async () => {
    for (const origin of [undefined, SPA]) {
      const req = t.http().options('/api/token/');
      const res = await (origin === undefined ? req : req.set('Origin', origin));
      expect([res.status, res.body, res.headers.allow]).toEqual([200, OPTIONS_BODY, 'POST, OPTIONS']);
    }
    const unknown = await t.http().options('/nope/').set('Access-Control-Request-Method', 'POST');
    expect([unknown.status, unknown.body]).toEqual([404, { detail: 'Not found.' }]);
  });

  it('lets an allowed origin read answers, errors included, and tells caches they vary by Origin', async () => {
    const { access } = await login(t, 'alice');
    const ok = await t.http().get('/api/me/').set('Origin', SPA).set('Authorization', `Bearer ${access}`);
    expect([ok.status, ok.headers['access-control-allow-origin'], ok.headers['access-control-allow-credentials']]).toEqual([200, SPA, 'true']);
    const refused = await t.http().get('/api/me/').set('Origin', SPA);
    expect([refused.status, refused.headers['access-control-allow-origin'], refused.headers.vary]).toEqual([401, SPA, 'Origin']);
    const other = await t.http().get('/api/me/').set('Origin', 'https://evil.example').set('Authorization', `Bearer ${access}`);
    expect([other.status, other.headers['access-control-allow-origin']]).toEqual([200, undefined]);
  });
});
