import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { dropDatabases, freshDatabase } from './support/database.js';
import { bearer, createUser, startApp, type TestApp } from './support/test-app.js';
import { accessClaims, refreshClaims, signed } from './support/tokens.js';

/**
 * DRF's throttles over HTTP (AnonRateThrottle, UserRateThrottle, ScopedRateThrottle with the
 * token endpoints' scope `token`): DRF's sliding history per key, 429 with
 * {"detail": "Request was throttled. Expected available in N seconds."} and Retry-After: N,
 * checked after authentication and permissions. Specs with NUM_PROXIES=1 give each test its own
 * client through X-Forwarded-For, so no test spends another's budget.
 */

const PASSWORD = 'correct horse';
const HEALTHY = { status: 'ok', database: 'ok' };
const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };
const INVALID_BEARER = {
  detail: 'Given token not valid for any token type',
  code: 'token_not_valid',
  messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid' }],
};
const TOKEN_INVALID = { detail: 'Token is invalid', code: 'token_not_valid' };
const REALM = 'Bearer realm="api"';
const THROTTLED = /^Request was throttled\. Expected available in (\d+) seconds?\.$/;
const TOKEN_ROUTES = ['/api/token/', '/api/token/refresh/', '/api/token/verify/', '/api/token/blacklist/'] as const;

/** Asserts DRF's 429 exactly; answers its N, which must lie in [min, max]. */
function expectThrottled(res: Response, min: number, max: number): number {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const seconds = Number(THROTTLED.exec(res.body?.detail ?? '')?.[1]);
  expect(res.body).toEqual({ detail: `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? '' : 's'}.` });
  expect(res.headers['retry-after']).toBe(String(seconds));
  expect(seconds).toBeGreaterThanOrEqual(min);
  expect(seconds).toBeLessThanOrEqual(max);
  expect(res.headers['www-authenticate']).toBeUndefined();
  return seconds;
}

function expectHealthy(res: Response): void {
  expect(res.status).toBe(200);
  expect(res.body).toEqual(HEALTHY);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Requests from one client: with NUM_PROXIES=1, `forwardedFor` is who the proxy says is asking. */
function client(t: TestApp, forwardedFor?: string, headers: Record<string, string> = {}) {
  const all = forwardedFor === undefined ? headers : { ...headers, 'X-Forwarded-For': forwardedFor };
  return {
    get: (path: string) => t.http().get(path).set(all),
    post: (path: string, body: object = {}) => t.http().post(path).set(all).send(body),
    send: (method: 'options' | 'delete' | 'get' | 'head', path: string) => t.http()[method](path).set(all),
  };
}

describe('AnonRateThrottle (THROTTLE_RATES=anon=3/minute, NUM_PROXIES=0)', () => {
  let t: TestApp;
  let access: string;

  beforeAll(async () => {
    t = await startApp({ THROTTLE_RATES: 'anon=3/minute' });
    access = signed(accessClaims((await createUser(t, { username: 'alice' })).id));
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  it('allows 3 anonymous requests a minute per socket address, then 429; authenticated ones are neither counted nor refused; X-Forwarded-For is ignored', async () => {
    const alice = client(t, undefined, bearer(access));
    // Authenticated requests first: AnonRateThrottle does not count them.
    for (let i = 0; i < 5; i++) expectHealthy(await alice.get('/api/health/'));
    const anonymous = client(t);
    for (let i = 0; i < 3; i++) expectHealthy(await anonymous.get('/api/health/'));
    const first = expectThrottled(await anonymous.get('/api/health/'), 50, 60);
    const second = expectThrottled(await anonymous.get('/api/health/'), 50, 60);
    expect(second).toBeLessThanOrEqual(first);
    // NUM_PROXIES=0: the socket address identifies the client; a spoofed X-Forwarded-For does not reset it.
    for (const spoof of ['10.0.0.1', '10.0.0.2, 10.0.0.3', '203.0.113.7']) {
      expectThrottled(await client(t, spoof).get('/api/health/'), 50, 60);
    }
    // The anonymous budget is spent: authenticated requests still pass.
    expectHealthy(await alice.get('/api/health/'));
    const me = await alice.get('/api/me/');
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('alice');
  });
});

describe('UserRateThrottle (THROTTLE_RATES=user=2/minute, NUM_PROXIES=1)', () => {
  let t: TestApp;
  let alice: { id: number; access: string };
  let bob: { id: number; access: string };

  beforeAll(async () => {
    t = await startApp({ THROTTLE_RATES: 'user=2/minute', NUM_PROXIES: '1' });
    const a = await createUser(t, { username: 'alice' });
    const b = await createUser(t, { username: 'bob' });
    alice = { id: a.id, access: signed(accessClaims(a.id)) };
    bob = { id: b.id, access: signed(accessClaims(b.id)) };
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  it('throttles each user on their own, keyed by user id whatever address they come from', async () => {
    const me = (user: { access: string }, address: string) => client(t, address, bearer(user.access)).get('/api/me/');
    for (const address of ['10.0.1.1', '10.0.1.2']) {
      const res = await me(alice, address);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(alice.id);
    }
    expectThrottled(await me(alice, '10.0.1.3'), 50, 60);
    expectThrottled(await me(alice, '10.0.1.1'), 50, 60);
    // Another user on the same address still has a budget of their own.
    for (let i = 0; i < 2; i++) {
      const res = await me(bob, '10.0.1.1');
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(bob.id);
    }
    expectThrottled(await me(bob, '10.0.1.1'), 50, 60);
    // Alice's spent budget does not refuse anonymous requests from her address.
    expectHealthy(await client(t, '10.0.1.1').get('/api/health/'));
    // Alice herself is throttled on every route, public ones included.
    expectThrottled(await client(t, '10.0.1.4', bearer(alice.access)).get('/api/health/'), 50, 60);
  });

  it("counts anonymous requests by client address too, as DRF's UserRateThrottle does (get_cache_key falls back to get_ident)", async () => {
    const anonymous = client(t, '10.0.1.50');
    expectHealthy(await anonymous.get('/api/health/'));
    expectHealthy(await anonymous.get('/api/health/'));
    expectThrottled(await anonymous.get('/api/health/'), 50, 60);
    // Another address has its own budget.
    expectHealthy(await client(t, '10.0.1.51').get('/api/health/'));
  });
});

describe('ScopedRateThrottle: the token endpoints share the scope token (THROTTLE_RATES=token=2/minute, NUM_PROXIES=1)', () => {
  let t: TestApp;
  let aliceId: number;

  beforeAll(async () => {
    t = await startApp({ THROTTLE_RATES: 'token=2/minute', NUM_PROXIES: '1' });
    aliceId = (await createUser(t, { username: 'alice', password: PASSWORD })).id;
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  /** A valid body for each token route, made without spending any client's token budget. */
  const validBody = (route: (typeof TOKEN_ROUTES)[number]): object => {
    switch (route) {
      case '/api/token/':
        return { username: 'alice', password: PASSWORD };
      case '/api/token/refresh/':
      case '/api/token/blacklist/':
        return { refresh: signed(refreshClaims(aliceId)) };
      case '/api/token/verify/':
        return { token: signed(accessClaims(aliceId)) };
    }
  };

  it('two calls per client a minute across all four routes; the third is 429 even with valid credentials; other routes are not affected', async () => {
    const c = client(t, '10.0.2.1');
    const pair = await c.post('/api/token/', { username: 'alice', password: PASSWORD });
    expect(pair.status).toBe(200);
    const refreshed = await c.post('/api/token/refresh/', { refresh: pair.body.refresh });
    expect(refreshed.status).toBe(200);
    expectThrottled(await c.post('/api/token/verify/', { token: pair.body.access }), 50, 60);
    expectThrottled(await c.post('/api/token/blacklist/', { refresh: refreshed.body.refresh }), 50, 60);
    expectThrottled(await c.post('/api/token/', { username: 'alice', password: PASSWORD }), 50, 60);
    expectThrottled(await c.post('/api/token/refresh/', { refresh: refreshed.body.refresh }), 50, 60);
    // Other routes have no scope and no anon/user rate is set: not throttled.
    for (let i = 0; i < 5; i++) expectHealthy(await c.get('/api/health/'));
    const me = await client(t, '10.0.2.1', bearer(pair.body.access)).get('/api/me/');
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(aliceId);
    // The refused calls did nothing: the refresh token obtained is still usable elsewhere.
    const other = await client(t, '10.0.2.2').post('/api/token/refresh/', { refresh: refreshed.body.refresh });
    expect(other.status).toBe(200);
  });

  it.each(TOKEN_ROUTES)('%s is refused once the client spent the budget on the other routes, with errors counted too', async (route) => {
    const c = client(t, `10.0.2.${10 + TOKEN_ROUTES.indexOf(route)}`);
    const others = TOKEN_ROUTES.filter((r) => r !== route);
    // DRF throttles before the view: a 400 (missing fields) counts like any other answer.
    const bad = await c.post(others[0], {});
    expect(bad.status).toBe(400);
    const invalid = await c.post(others[1], others[1] === '/api/token/' ? { username: 'alice', password: 'wrong' } : { token: 'x', refresh: 'x' });
    expect(invalid.status).toBe(401);
    expectThrottled(await c.post(route, validBody(route)), 50, 60);
    // Another client still gets the valid answer.
    expect((await client(t, `10.0.2.${20 + TOKEN_ROUTES.indexOf(route)}`).post(route, validBody(route))).status).toBe(200);
  });

  it('a wrong method on a token route (405) spends the token budget too', async () => {
    const c = client(t, '10.0.2.30');
    const wrong = await c.get('/api/token/verify/');
    expect(wrong.status).toBe(405);
    expect(wrong.body).toEqual({ detail: 'Method "GET" not allowed.' });
    expect((await c.post('/api/token/verify/', { token: 'x' })).body).toEqual(TOKEN_INVALID);
    expectThrottled(await c.post('/api/token/verify/', validBody('/api/token/verify/')), 50, 60);
  });

  it("a bearer token gives no budget of its own: SimpleJWT's token views authenticate nobody (authentication_classes = ()), so the scope is keyed by address", async () => {
    const c = client(t, '10.0.2.40');
    expect((await c.post('/api/token/verify/', validBody('/api/token/verify/'))).status).toBe(200);
    expect((await c.post('/api/token/verify/', validBody('/api/token/verify/'))).status).toBe(200);
    const withBearer = client(t, '10.0.2.40', bearer(signed(accessClaims(aliceId))));
    expectThrottled(await withBearer.post('/api/token/verify/', validBody('/api/token/verify/')), 50, 60);
  });
});

describe('several throttles at once: every throttle counts, the longest wait wins', () => {
  let shortAnon: TestApp;
  let longAnon: TestApp;

  beforeAll(async () => {
    const db = await freshDatabase();
    [shortAnon, longAnon] = await Promise.all([
      startApp({ THROTTLE_RATES: 'anon=2/minute,token=1/hour' }, db),
      startApp({ THROTTLE_RATES: 'anon=1/hour,token=1/minute' }, db),
    ]);
  });
  afterAll(async () => {
    await Promise.all([shortAnon?.close(), longAnon?.close()]);
    await dropDatabases();
  });

  it('anon=2/minute,token=1/hour: the token wait wins; a throttle that allowed still counted the refused request', async () => {
    const c = client(shortAnon);
    expect((await c.post('/api/token/verify/', { token: 'x' })).body).toEqual(TOKEN_INVALID);
    // token refuses (about an hour); anon allows it and records it, as DRF runs every throttle.
    expectThrottled(await c.post('/api/token/verify/', { token: 'x' }), 3590, 3600);
    // So anon now holds 2 requests: a route without the scope is refused by anon alone (under a minute).
    expectThrottled(await c.get('/api/health/'), 50, 60);
    // Both refuse now: the longer wait (token, the last throttle checked) is answered.
    expectThrottled(await c.post('/api/token/verify/', { token: 'x' }), 3590, 3600);
  });

  it('anon=1/hour,token=1/minute: the anon wait wins (the first throttle checked)', async () => {
    const c = client(longAnon);
    expect((await c.post('/api/token/verify/', { token: 'x' })).body).toEqual(TOKEN_INVALID);
    expectThrottled(await c.post('/api/token/verify/', { token: 'x' }), 3590, 3600);
    expectThrottled(await c.get('/api/health/'), 3590, 3600);
  });
});

describe('THROTTLE_RATES=off', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ THROTTLE_RATES: 'off' });
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  it('50 quick anonymous requests, token routes among them, all pass', async () => {
    for (let batch = 0; batch < 5; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? t.http().post('/api/token/verify/').send({ token: 'x' }) : t.http().get('/api/health/'))),
      );
      answers.forEach((res, i) => {
        if (i % 2) {
          expect(res.status).toBe(401);
          expect(res.body).toEqual(TOKEN_INVALID);
        } else {
          expectHealthy(res);
        }
        expect(res.headers['retry-after']).toBeUndefined();
      });
    }
  });
});

describe('order: authentication, then permissions, then throttles (THROTTLE_RATES=anon=1/minute, NUM_PROXIES=1)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ THROTTLE_RATES: 'anon=1/minute', NUM_PROXIES: '1' });
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  it('an anonymous request to a protected route is a 401 every time, never 429, and is not counted', async () => {
    const c = client(t, '10.0.3.1');
    for (let i = 0; i < 3; i++) {
      const res = await c.get('/api/me/');
      expect(res.status).toBe(401);
      expect(res.body).toEqual(NOT_PROVIDED);
      expect(res.headers['www-authenticate']).toBe(REALM);
    }
    expectHealthy(await c.get('/api/health/')); // the 401s spent nothing
    expectThrottled(await c.get('/api/health/'), 50, 60);
    // Budget spent: still the permission's 401, for a served method and for a wrong one alike.
    for (const method of ['get', 'delete'] as const) {
      const after = await c.send(method, '/api/me/');
      expect(after.status).toBe(401);
      expect(after.body).toEqual(NOT_PROVIDED);
    }
  });

  it('an invalid bearer token on a public route is a 401 before any throttle counts', async () => {
    const anonymous = client(t, '10.0.3.2');
    const garbage = client(t, '10.0.3.2', bearer('garbage'));
    for (let i = 0; i < 3; i++) {
      const res = await garbage.get('/api/health/');
      expect(res.status).toBe(401);
      expect(res.body).toEqual(INVALID_BEARER);
    }
    expectHealthy(await anonymous.get('/api/health/'));
    expectThrottled(await anonymous.get('/api/health/'), 50, 60);
    const after = await garbage.get('/api/health/');
    expect(after.status).toBe(401);
    expect(after.body).toEqual(INVALID_BEARER);
  });

  it('a wrong method (405) is throttled like any other: the second GET /api/token/ is 429', async () => {
    const c = client(t, '10.0.3.3');
    const first = await c.get('/api/token/');
    expect(first.status).toBe(405);
    expect(first.body).toEqual({ detail: 'Method "GET" not allowed.' });
    expect(first.headers.allow).toBe('POST, OPTIONS');
    expectThrottled(await c.get('/api/token/'), 50, 60);
    expectThrottled(await c.get('/api/health/'), 50, 60); // the 405 spent the client's anon budget
  });

  it('OPTIONS is throttled too, and a throttled wrong method answers 429 before 405', async () => {
    const c = client(t, '10.0.3.4');
    const first = await c.send('options', '/api/health/');
    expect(first.status).toBe(200);
    expect(first.headers.allow).toBe('GET, HEAD, OPTIONS');
    expectThrottled(await c.send('options', '/api/health/'), 50, 60);
    expectThrottled(await c.send('delete', '/api/health/'), 50, 60);
  });

  it('HEAD is throttled too: it spends the same budget as GET', async () => {
    const c = client(t, '10.0.3.5');
    const head = await c.send('head', '/api/health/');
    expect(head.status).toBe(200);
    const get = await c.get('/api/health/');
    expectThrottled(get, 50, 60);
    const again = await c.send('head', '/api/health/');
    expect(again.status).toBe(429);
    expect(again.headers['retry-after']).toBe(get.headers['retry-after']);
  });

  it('NUM_PROXIES=1: each X-Forwarded-For address has its own budget, and the last entry is the client', async () => {
    expectHealthy(await client(t, '10.0.3.10').get('/api/health/'));
    expectThrottled(await client(t, '10.0.3.10').get('/api/health/'), 50, 60);
    expectHealthy(await client(t, '10.0.3.11').get('/api/health/'));
    // A spoofed first entry changes nothing: the proxy appended the real client last.
    expectThrottled(await client(t, '10.9.9.9, 10.0.3.10').get('/api/health/'), 50, 60);
    expectHealthy(await client(t, '10.0.3.10,10.0.3.12').get('/api/health/'));
    expectThrottled(await client(t, '10.0.3.12').get('/api/health/'), 50, 60);
    // Without the header the socket address is the client (no other test here comes without it).
    expectHealthy(await client(t).get('/api/health/'));
    expectThrottled(await client(t).get('/api/health/'), 50, 60);
  });
});

describe('the window slides (THROTTLE_RATES=anon=2/second)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ THROTTLE_RATES: 'anon=2/second' });
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  it('refuses a third request within the second ("1 second", Retry-After: 1) and allows one again once the oldest left the window', async () => {
    const c = client(t);
    expectHealthy(await c.get('/api/health/'));
    expectHealthy(await c.get('/api/health/'));
    const refused = await c.get('/api/health/');
    expectThrottled(refused, 1, 1);
    expect(refused.body).toEqual({ detail: 'Request was throttled. Expected available in 1 second.' });
    await sleep(1100);
    expectHealthy(await c.get('/api/health/'));
  });
});

describe('a bad THROTTLE_RATES or NUM_PROXIES stops the start', () => {
  it.each([
    ['anon=lots', 'THROTTLE_RATES: expected N/second, N/minute, N/hour or N/day, got "lots"'],
    ['anon=5/week', 'THROTTLE_RATES: expected N/second, N/minute, N/hour or N/day, got "5/week"'],
    ['anon=0/minute', 'THROTTLE_RATES: expected N/second, N/minute, N/hour or N/day, got "0/minute"'],
    ['anon', 'THROTTLE_RATES: expected scope=N/period pairs separated by commas, got "anon"'],
  ])('THROTTLE_RATES=%s', async (value, problem) => {
    await expect(startApp({ THROTTLE_RATES: value })).rejects.toThrow(problem);
  });

  it('NUM_PROXIES=-1', async () => {
    await expect(startApp({ NUM_PROXIES: '-1' })).rejects.toThrow(/NUM_PROXIES/);
  });
});
