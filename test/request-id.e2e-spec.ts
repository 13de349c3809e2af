import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ShutdownState } from '../src/lifecycle/shutdown-state.js';
import { CapturingLogger } from './support/capturing-logger.js';
import { dropDatabases } from './support/database.js';
import { rawRequest } from './security/forge.js';
import { bearer, createUser, startApp, type TestApp } from './support/test-app.js';

/**
 * X-Request-Id: the client's (or proxy's) when it is sane, else a random UUID; sent back on every
 * answer, errors and CORS answers included; the access line and the auth events of the request
 * carry it.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SPA = 'https://app.example.com';

afterAll(() => dropDatabases());

describe('X-Request-Id', () => {
  const logger = new CapturingLogger();
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ BODY_LIMIT: '1kb' }, undefined, logger);
    await createUser(t, { username: 'alice' });
  });
  afterAll(() => t.close());

  it.each([
    ['letters, digits and ._:-', 'req-01.abc_DEF:9'],
    ['one character', 'x'],
    ['200 characters', 'a'.repeat(200)],
    ['a UUID', '5b0c7d7e-9a43-4c1e-8f59-1f2a3b4c5d6e'],
  ])('keeps one the client sent: %s', async (_case, id) => {
    const res = await t.http().get('/api/health/').set('X-Request-Id', id);
    expect([res.status, res.headers['x-request-id']]).toEqual([200, id]);
  });

  it.each([
    ['201 characters', 'a'.repeat(201)],
    ['a space', 'two words'],
    ['markup', '<script>alert(1)</script>'],
    ['a quote and braces (a forged log field)', '","user_id":"1'],
    ['a slash', 'a/b'],
  ])('replaces one that is not sane with a random UUID: %s', async (_case, id) => {
    const res = await t.http().get('/api/health/').set('X-Request-Id', id);
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it('replaces two X-Request-Id headers (joined by a comma and a space) and an empty one', async () => {
    const twice = await rawRequest(t, 'GET /api/health/ HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\r\nX-Request-Id: b\r\nConnection: close\r\n\r\n');
    expect([twice.status, twice.headers['x-request-id']]).toEqual([200, expect.stringMatching(UUID)]);
    const empty = await rawRequest(t, 'GET /api/health/ HTTP/1.1\r\nHost: x\r\nX-Request-Id: \r\nConnection: close\r\n\r\n');
    expect([empty.status, empty.headers['x-request-id']]).toEqual([200, expect.stringMatching(UUID)]);
  });

  it('generates a different UUID for each request that sends none', async () => {
    const ids = await Promise.all([1, 2, 3].map(async () => (await t.http().get('/api/health/')).headers['x-request-id']));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(3);
  });

  it.each([
    ['a 401', 'get', '/api/me/', 401],
    ['a 401 with a bad bearer', 'get', '/api/me/', 401, bearer('not.a.token')],
    ['a 404', 'get', '/nope/', 404],
    ['a 405', 'get', '/api/token/', 405],
    ['an OPTIONS', 'options', '/api/token/', 200],
  ] as const)('comes back on %s', async (_case, method, path, status, headers: Record<string, string> = {}) => {
    const res = await t.http()[method](path).set(headers).set('X-Request-Id', `on-${status}`);
    expect([res.status, res.headers['x-request-id']]).toEqual([status, `on-${status}`]);
  });

  it('comes back on the 400 of a broken JSON body, the 413 of a large one and the 415 of an unknown type', async () => {
    const broken = await t.http().post('/api/token/').set('X-Request-Id', 'on-400').set('Content-Type', 'application/json').send('{"password": "x"');
    expect([broken.status, broken.headers['x-request-id']]).toEqual([400, 'on-400']);
    const large = await t.http().post('/api/token/').set('X-Request-Id', 'on-413').send({ username: 'alice', password: 'x'.repeat(2000) });
    expect([large.status, large.headers['x-request-id']]).toEqual([413, 'on-413']);
    const unknown = await t.http().post('/api/token/').set('X-Request-Id', 'on-415').set('Content-Type', 'text/plain').send('hello');
    expect([unknown.status, unknown.headers['x-request-id']]).toEqual([415, 'on-415']);
  });

  it('comes back on the 404 the router answers for a broken URL, before any hook, with its access line', async () => {
    const res = await rawRequest(t, 'GET /api/%E0%A4%A/ HTTP/1.1\r\nHost: x\r\nX-Request-Id: broken-url\r\nConnection: close\r\n\r\n');
    expect([res.status, res.body, res.headers['x-request-id']]).toEqual([404, { detail: 'Not found.' }, 'broken-url']);
    expect(logger.accessLines().filter((l) => l.request_id === 'broken-url')).toEqual([
      { method: 'GET', route: null, status: 404, duration_ms: expect.any(Number), user_id: null, request_id: 'broken-url', ip: '127.0.0.1' },
    ]);
  });

  it('keeps each request its own id while many run at once', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `concurrent-${i}`);
    const answers = await Promise.all(ids.map((id) => t.http().get('/api/me/').set('X-Request-Id', id)));
    expect(answers.map((a) => [a.status, a.headers['x-request-id']])).toEqual(ids.map((id) => [401, id]));
    const lines = logger.accessLines().filter((l) => String(l.request_id).startsWith('concurrent-'));
    expect(lines.map((l) => l.request_id).sort()).toEqual([...ids].sort());
  });

  it("comes back on the drain's 503 while the server shuts down (last: the app stays shutting down)", async () => {
    t.app.get(ShutdownState).begin();
    const res = await t.http().get('/api/health/').set('X-Request-Id', 'on-503');
    expect([res.status, res.headers['x-request-id']]).toEqual([503, 'on-503']);
  });
});

describe('X-Request-Id and the throttle', () => {
  const logger = new CapturingLogger();
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ THROTTLE_RATES: 'token=3/minute' }, undefined, logger);
    await createUser(t, { username: 'alice' });
  });
  afterAll(() => t.close());

  it('comes back on a 429; the access line and the auth event of each request carry its id', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 4; i++) {
      const res = await t.http().post('/api/token/').set('X-Request-Id', `throttled-${i}`).send({ username: 'alice', password: 'wrong horse' });
      expect(res.headers['x-request-id']).toBe(`throttled-${i}`);
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(logger.accessLines().filter((l) => String(l.request_id).startsWith('throttled-')).map((l) => [l.request_id, l.route, l.status])).toEqual([
      ['throttled-1', '/api/token', 401],
      ['throttled-2', '/api/token', 401],
      ['throttled-3', '/api/token', 401],
      ['throttled-4', '/api/token', 429],
    ]);
    expect(logger.events().filter((e) => String(e.request_id).startsWith('throttled-')).map((e) => [e.event, e.request_id])).toEqual([
      ['login_failed', 'throttled-1'],
      ['login_failed', 'throttled-2'],
      ['login_failed', 'throttled-3'],
    ]);
  });

});

describe('X-Request-Id and CORS', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ CORS_ALLOWED_ORIGINS: SPA });
  });
  afterAll(() => t.close());

  it('comes back on a preflight', async () => {
    const res = await t.http().options('/api/token/').set('Origin', SPA).set('Access-Control-Request-Method', 'POST').set('X-Request-Id', 'preflight');
    expect([res.status, res.text, res.headers['x-request-id']]).toEqual([200, '', 'preflight']);
  });

  it("is readable by an allowed origin's scripts (Access-Control-Expose-Headers), answers and errors alike; not by another origin", async () => {
    for (const path of ['/api/health/', '/api/me/']) {
      const res = await t.http().get(path).set('Origin', SPA).set('X-Request-Id', 'exposed');
      expect([res.headers['x-request-id'], res.headers['access-control-allow-origin'], res.headers['access-control-expose-headers']]).toEqual(['exposed', SPA, 'X-Request-Id']);
    }
    const other = await t.http().get('/api/health/').set('Origin', 'https://evil.example');
    expect([other.headers['access-control-allow-origin'], other.headers['access-control-expose-headers']]).toEqual([undefined, undefined]);
    expect(other.headers['x-request-id']).toMatch(UUID);
  });
});

describe('X-Request-Id without CORS', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('exposes nothing: no CORS header at all', async () => {
    const res = await t.http().get('/api/health/').set('Origin', SPA);
    expect(res.headers['access-control-expose-headers']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(UUID);
  });
});
