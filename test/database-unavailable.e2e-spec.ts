// When PostgreSQL is down or silent, every request that needs it gets DRF's 503 with Retry-After
// within the configured bounds: never a 500, never a hang, never a misleading 401. The log says
// so once when it starts and once when it ends.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CapturingLogger } from './support/capturing-logger.js';
import { allowConnections, dropDatabases, freshDatabase } from './support/database.js';
import { sleep } from './support/server-process.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { bearer, createUser, login, startApp, type TestApp } from './support/test-app.js';

const UNAVAILABLE = { detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' };

afterAll(() => dropDatabases());

/** Status, body and the headers a 503 carries, of one request. */
async function answer(t: TestApp, method: 'get' | 'post', path: string, headers: Record<string, string> = {}, body?: object) {
  const started = Date.now();
  const req = method === 'get' ? t.http().get(path) : t.http().post(path).send(body ?? {});
  const res = await req.set(headers).timeout(20_000);
  return { status: res.status, body: res.body, retryAfter: res.headers['retry-after'], ms: Date.now() - started };
}

describe('PostgreSQL refusing connections', () => {
  const logger = new CapturingLogger();
  let stateless: TestApp;
  let t: TestApp;
  let tokens: { access: string; refresh: string };
  let aliceId: number;

  beforeAll(async () => {
    const url = await freshDatabase();
    stateless = await startApp({ JWT_AUTHENTICATION_CLASS: 'JWTStatelessUserAuthentication' }, url);
    t = await startApp({}, url, logger); // last: its logger is the one Nest's loggers write to
    aliceId = (await createUser(t, { username: 'alice' })).id;
    tokens = await login(t, 'alice');
  });
  afterAll(async () => {
    await allowConnections(t.databaseUrl, true).catch(() => {});
    await Promise.all([t?.close(), stateless?.close()]);
  });

  it('answers every request that needs it 503 with Retry-After, at once; stateless reads still 200; then serves again', async () => {
    const from = logger.lines.length;
    await allowConnections(t.databaseUrl, false);
    let answers: Record<string, Awaited<ReturnType<typeof answer>>>;
    try {
      answers = {
        // The user lookup fails: that is not "User not found" (a 401 would log the client out).
        me: await answer(t, 'get', '/api/me/', bearer(tokens.access)),
        login: await answer(t, 'post', '/api/token/', {}, { username: 'alice', password: 'correct horse' }),
        refresh: await answer(t, 'post', '/api/token/refresh/', {}, { refresh: tokens.refresh }),
        verify: await answer(t, 'post', '/api/token/verify/', {}, { token: tokens.refresh }),
        logout: await answer(t, 'post', '/api/token/blacklist/', {}, { refresh: tokens.refresh }),
        notes: await answer(t, 'get', '/api/notes/'),
      };
      const health = await answer(t, 'get', '/api/health/');
      expect([health.status, health.body]).toEqual([503, { status: 'unavailable', database: 'unavailable' }]);
      const statelessMe = await answer(stateless, 'get', '/api/me/', bearer(tokens.access));
      expect([statelessMe.status, statelessMe.body.id]).toEqual([200, aliceId]);
    } finally {
      await allowConnections(t.databaseUrl, true);
    }
    for (const [name, { status, body, retryAfter, ms }] of Object.entries(answers)) {
      expect({ name, status, body, retryAfter }).toEqual({ name, status: 503, body: UNAVAILABLE, retryAfter: '5' });
      expect(ms).toBeLessThan(2000); // no waiting on a database that refuses
    }
    // Back: the same requests work again, nothing was half-done (the refresh token still rotates).
    expect((await answer(t, 'get', '/api/me/', bearer(tokens.access))).status).toBe(200);
    expect((await answer(t, 'post', '/api/token/refresh/', {}, { refresh: tokens.refresh })).status).toBe(200);

    // The log: one warning when it went away, one when it came back; no stack trace.
    const deadline = Date.now() + 5000;
    while (!logger.lines.slice(from).some((line) => /available again/.test(line)) && Date.now() < deadline) await sleep(100);
    const lines = logger.lines.slice(from);
    // (The first failure names what it met: the refusal, or a pooled connection the server ended.)
    expect(lines.filter((line) => /^warn \[Database\] The database is unavailable \((55000|57P01|Connection terminated) .*\): requests that need it get 503 until it answers again$/.test(line))).toHaveLength(1);
    expect(lines.filter((line) => /^warn \[Database\] The database is available again after \d+\.\d s \(6 requests answered 503\)$/.test(line))).toHaveLength(1);
    expect(lines.filter((line) => /^error|^\s+at /.test(line))).toEqual([]);
  });
});

describe('the network to PostgreSQL gone silent (a TCP proxy that stops forwarding)', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let tokens: { access: string; refresh: string };

  beforeAll(async () => {
    const url = await freshDatabase();
    proxy = await TcpProxy.start(Number(new URL(url).port));
    t = await startApp({ DATABASE_STATEMENT_TIMEOUT: '1s', DATABASE_POOL_TIMEOUT: '1s' }, proxy.route(url));
    await createUser(t, { username: 'alice' });
    tokens = await login(t, 'alice');
  });
  afterAll(async () => {
    proxy?.restore();
    await t?.close();
    await proxy?.close();
  });

  it('answers 503 within the statement timeout plus half a second, or the pool timeout, never hangs; serves again once it heals', async () => {
    proxy.cut();
    let answers: Awaited<ReturnType<typeof answer>>[];
    try {
      // More requests than idle connections: some wait on a connection that never answers,
      // others on one that never opens.
      answers = await Promise.all([
        ...Array.from({ length: 4 }, () => answer(t, 'get', '/api/me/', bearer(tokens.access))),
        answer(t, 'post', '/api/token/refresh/', {}, { refresh: tokens.refresh }),
        answer(t, 'post', '/api/token/', {}, { username: 'alice', password: 'correct horse' }),
      ]);
    } finally {
      proxy.restore();
    }
    for (const { status, body, retryAfter, ms } of answers) {
      expect({ status, body, retryAfter }).toEqual({ status: 503, body: UNAVAILABLE, retryAfter: '5' });
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(1000 + 1000 + 1000); // pool wait + statement + a second
    }
    let healed = false;
    for (let attempt = 0; attempt < 20 && !healed; attempt++) {
      healed = (await answer(t, 'get', '/api/me/', bearer(tokens.access))).status === 200;
      if (!healed) await sleep(100);
    }
    expect(healed).toBe(true);
    expect((await answer(t, 'post', '/api/token/refresh/', {}, { refresh: tokens.refresh })).status).toBe(200);
  });
});
