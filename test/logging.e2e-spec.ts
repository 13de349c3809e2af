import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module } from '@nestjs/common';
import { AllowAny, Permissions } from '@nest-simplejwt/auth';
import type { Response } from 'supertest';
import { appLogger } from '../src/logging/app-logger.js';
import { CapturingLogger } from './support/capturing-logger.js';
import { dropDatabases } from './support/database.js';
import { bearer, createUser, decode, SIGNING_KEY, startApp, type TestApp } from './support/test-app.js';

/** GET /test/broken/: a bug (an unexpected error: the 500 and its stack in the log). */
@Controller('test/broken')
@Permissions(AllowAny)
class BrokenController {
  @Get('/') route(): never {
    throw new TypeError('a bug with no secret in it');
  }
}

@Module({ controllers: [BrokenController] })
class BrokenModule {}

/** A pino destination that keeps the lines it is given. */
class Lines {
  readonly lines: string[] = [];

  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line !== '') this.lines.push(line);
  }
}

/** What the app answered across a flow: every token in a body and every cookie value it set, to look for in the logs. */
class Secrets {
  readonly values = new Set<string>();

  keep(res: Response): Response {
    const body = res.body as Record<string, unknown> | undefined;
    for (const key of ['access', 'refresh', 'token']) {
      const value = body?.[key];
      if (typeof value === 'string' && value !== '') {
        this.values.add(value);
        this.values.add(value.split('.')[2]); // the signature alone
      }
    }
    for (const cookie of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      const value = cookie.slice(cookie.indexOf('=') + 1, cookie.indexOf(';'));
      if (value !== '') this.values.add(value);
    }
    return res;
  }
}

/** The value of cookie `name` among those `res` set. */
function cookieOf(res: Response, name: string): string {
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
  if (cookie === undefined) throw new Error(`no ${name} cookie in ${JSON.stringify(res.headers['set-cookie'])}`);
  return cookie.slice(name.length + 1, cookie.indexOf(';'));
}

afterAll(() => dropDatabases());

describe('logs, pretty (a CapturingLogger in the place of the console)', () => {
  const logger = new CapturingLogger();
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({}, undefined, logger);
    await createUser(t, { username: 'alice', password: 'hunter2 secret' });
  });
  afterAll(() => t.close());

  it('never carry a password, a token or the signing key, whatever happens', async () => {
    const login = await t.http().post('/api/token/').send({ username: 'alice', password: 'hunter2 secret' });
    const { access, refresh } = login.body;
    await t.http().post('/api/token/').send({ username: 'alice', password: 'wrong secret' });
    await t.http().get('/api/me/').set(bearer(access));
    await t.http().get('/api/me/').set(bearer(access + 'x'));
    await t.http().post('/api/token/refresh/').send({ refresh });
    await t.http().post('/api/token/refresh/').send({ refresh });
    await t.http().post('/api/token/verify/').send({ token: access });
    await t.http().post('/api/token/').set('Content-Type', 'application/json').send('{"password": "hunter2 secret"');
    expect(logger.lines.length).toBeGreaterThan(0); // the capture works: the app logged its start
    const everything = logger.lines.join('\n');
    for (const secret of ['hunter2', access, refresh, access.split('.')[2], refresh.split('.')[2], SIGNING_KEY]) {
      expect(everything).not.toContain(secret);
    }
    // The access log and the auth events go through the same logger, their fields as JSON after the message.
    expect(logger.accessLines().map((l) => [l.method, l.route, l.status])).toEqual([
      ['POST', '/api/token', 200],
      ['POST', '/api/token', 401],
      ['GET', '/api/me', 200],
      ['GET', '/api/me', 401],
      ['POST', '/api/token/refresh', 200],
      ['POST', '/api/token/refresh', 200], // within the reuse grace: the same pair again
      ['POST', '/api/token/verify', 200],
      ['POST', '/api/token', 400],
    ]);
    expect(logger.events().map((e) => e.event)).toEqual(['login_succeeded', 'login_failed', 'token_refreshed']);
  });
});

describe('logs, JSON (LOG_FORMAT=json, ACCESS_LOG on, LOG_LEVEL=verbose, cookie mode)', () => {
  const ENV = {
    LOG_FORMAT: 'json',
    ACCESS_LOG: 'true',
    LOG_LEVEL: 'verbose',
    JWT_AUTH_COOKIE: 'access-token',
    JWT_AUTH_REFRESH_COOKIE: 'refresh-token',
    JWT_AUTH_HTTPONLY: 'false', // the refresh token in bodies too: the flow uses both ways
    JWT_REFRESH_TOKEN_REUSE_GRACE: '0', // a rotated token that comes back is a reuse at once
  };
  const PASSWORD = 'first pass phrase 1';
  const NEW_PASSWORD = 'second pass phrase 2';
  const WRONG = 'wrong pass phrase 3';
  const QUERY_SECRET = 'query-string-value-42';
  const out = new Lines();
  const secrets = new Secrets();
  let t: TestApp;
  let aliceId: string;

  beforeAll(async () => {
    t = await startApp(ENV, undefined, appLogger({ logFormat: 'json', logLevel: 'verbose' }, out), [BrokenModule]);
    aliceId = String((await createUser(t, { username: 'alice', password: PASSWORD })).id);
  });
  afterAll(() => t.close());

  /** POST /api/token/ as alice, request id `id`. */
  const login = async (id: string, password: string) => secrets.keep(await t.http().post('/api/token/').set('X-Request-Id', id).send({ username: 'alice', password }));

  it('writes one JSON object per line, none carrying a password, a token, a cookie, the query string or the signing key; an access line per request with its exact fields; each auth event with its request id', async () => {
    const from = out.lines.length;
    const answers: [string, number][] = [];
    const note = (id: string, res: Response) => answers.push([id, res.status]);

    const a = await login('login-ok', PASSWORD);
    note('login-ok', a);
    note('login-bad', await login('login-bad', WRONG));
    note('me-bearer', await t.http().get('/api/me/').set('X-Request-Id', 'me-bearer').set(bearer(a.body.access)));
    note('me-bad-bearer', await t.http().get('/api/me/').set('X-Request-Id', 'me-bad-bearer').set(bearer(a.body.access + 'x')));
    note('me-cookie', await t.http().get('/api/me/').set('X-Request-Id', 'me-cookie').set('Cookie', `access-token=${cookieOf(a, 'access-token')}`));
    note('refresh', secrets.keep(await t.http().post('/api/token/refresh/').set('X-Request-Id', 'refresh').send({ refresh: a.body.refresh })));
    note('reuse', await t.http().post('/api/token/refresh/').set('X-Request-Id', 'reuse').send({ refresh: a.body.refresh }));
    const b = await login('login-2', PASSWORD);
    note('login-2', b);
    const csrf = cookieOf(b, 'csrftoken');
    const b2 = secrets.keep(
      await t.http().post('/api/token/refresh/').set('X-Request-Id', 'cookie-refresh').set('Cookie', `refresh-token=${cookieOf(b, 'refresh-token')}; csrftoken=${csrf}`).set('X-CSRFToken', csrf),
    );
    note('cookie-refresh', b2);
    const change = { old_password: PASSWORD, new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD };
    note('password-change', await t.http().post('/api/password/change/').set('X-Request-Id', 'password-change').set(bearer(b2.body.access)).send(change));
    const c = await login('login-3', NEW_PASSWORD);
    note('login-3', c);
    note('sessions', await t.http().get(`/api/sessions/?secret=${QUERY_SECRET}`).set('X-Request-Id', 'sessions').set(bearer(b2.body.access)));
    const cSession = decode(c.body.refresh).payload.sid as string;
    note('revoke', await t.http().post(`/api/sessions/${cSession}/revoke/`).set('X-Request-Id', 'revoke').set(bearer(b2.body.access)).send({ password: NEW_PASSWORD }));
    const d = await login('login-4', NEW_PASSWORD);
    note('login-4', d);
    note('logout', await t.http().post('/api/token/blacklist/').set('X-Request-Id', 'logout').send({ refresh: d.body.refresh }));
    note('bad-json', await t.http().post('/api/token/').set('X-Request-Id', 'bad-json').set('Content-Type', 'application/json').send(`{"username": "alice", "password": "${NEW_PASSWORD}"`));

    expect(answers).toEqual([
      ['login-ok', 200],
      ['login-bad', 401],
      ['me-bearer', 200],
      ['me-bad-bearer', 401],
      ['me-cookie', 200],
      ['refresh', 200],
      ['reuse', 401],
      ['login-2', 200],
      ['cookie-refresh', 200],
      ['password-change', 200],
      ['login-3', 200],
      ['sessions', 200],
      ['revoke', 204],
      ['login-4', 200],
      ['logout', 200],
      ['bad-json', 400],
    ]);
    expect(secrets.values.size).toBeGreaterThanOrEqual(20); // tokens, signatures, the cookies and the CSRF token were seen

    // Every line is one JSON object with level, time, msg and context.
    const lines = out.lines.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const line of lines) {
      expect(typeof line.level).toBe('string');
      expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(typeof line.msg).toBe('string');
      expect(typeof line.context).toBe('string');
    }
    const everything = out.lines.join('\n');
    for (const secret of [PASSWORD, NEW_PASSWORD, WRONG, 'pass phrase', QUERY_SECRET, SIGNING_KEY, csrf, ...secrets.values]) {
      expect(everything).not.toContain(secret);
    }

    // The access log: one line per request, in order, exact.
    const access = lines.filter((line) => line.context === 'AccessLog');
    for (const line of access) {
      expect(line).toMatchObject({ level: 'info', msg: 'request completed', ip: '127.0.0.1' });
      expect(typeof line.duration_ms).toBe('number');
      expect(line.duration_ms as number).toBeGreaterThanOrEqual(0);
      expect(Object.keys(line).sort()).toEqual(['context', 'duration_ms', 'hostname', 'ip', 'level', 'method', 'msg', 'pid', 'request_id', 'route', 'status', 'time', 'user_id']);
    }
    expect(access.map((l) => [l.request_id, l.method, l.route, l.status, l.user_id])).toEqual([
      ['login-ok', 'POST', '/api/token', 200, null],
      ['login-bad', 'POST', '/api/token', 401, null],
      ['me-bearer', 'GET', '/api/me', 200, aliceId],
      ['me-bad-bearer', 'GET', '/api/me', 401, null],
      ['me-cookie', 'GET', '/api/me', 200, aliceId],
      ['refresh', 'POST', '/api/token/refresh', 200, null],
      ['reuse', 'POST', '/api/token/refresh', 401, null],
      ['login-2', 'POST', '/api/token', 200, null],
      ['cookie-refresh', 'POST', '/api/token/refresh', 200, null],
      ['password-change', 'POST', '/api/password/change', 200, aliceId],
      ['login-3', 'POST', '/api/token', 200, null],
      ['sessions', 'GET', '/api/sessions', 200, aliceId],
      ['revoke', 'POST', '/api/sessions/:id/revoke', 204, aliceId],
      ['login-4', 'POST', '/api/token', 200, null],
      ['logout', 'POST', '/api/token/blacklist', 200, null],
      ['bad-json', 'POST', '/api/token', 400, null],
    ]);

    // The audit lines: each event with the id of the request it happened in; attacks are warnings.
    const events = lines.filter((line) => line.context === 'AuthEvents');
    for (const line of events) expect(line.msg).toBe(line.event);
    expect(events.map((e) => [e.request_id, e.level, e.event, e.user_id ?? null, e.reason ?? null])).toEqual([
      ['login-ok', 'info', 'login_succeeded', aliceId, null],
      ['login-bad', 'info', 'login_failed', null, 'invalid_credentials'],
      ['refresh', 'info', 'token_refreshed', aliceId, null],
      ['reuse', 'warn', 'reuse_detected', aliceId, null],
      ['reuse', 'info', 'session_revoked', aliceId, 'reuse'],
      ['login-2', 'info', 'login_succeeded', aliceId, null],
      ['cookie-refresh', 'info', 'token_refreshed', aliceId, null],
      ['password-change', 'info', 'password_changed', aliceId, null],
      ['login-3', 'info', 'login_succeeded', aliceId, null],
      ['revoke', 'info', 'session_revoked', aliceId, 'revoked'],
      ['login-4', 'info', 'login_succeeded', aliceId, null],
      ['logout', 'info', 'logout', aliceId, null],
      ['logout', 'info', 'session_revoked', aliceId, 'logout'],
    ]);
    expect(events.find((e) => e.request_id === 'login-bad')).toEqual({
      level: 'info',
      time: expect.any(String),
      pid: process.pid,
      hostname: expect.any(String),
      context: 'AuthEvents',
      event: 'login_failed',
      user_id: null,
      reason: 'invalid_credentials',
      username: 'alice',
      ip: '127.0.0.1',
      request_id: 'login-bad',
      msg: 'login_failed',
    });
    expect(events.find((e) => e.event === 'session_revoked' && e.request_id === 'revoke')).toMatchObject({ session_id: cSession, ip: '127.0.0.1' });
  });

  it("writes an unexpected error (a 500) as one error line with its stack and the request's id", async () => {
    const from = out.lines.length;
    const res = await t.http().get('/test/broken/').set('X-Request-Id', 'a-bug');
    expect([res.status, res.body, res.headers['x-request-id']]).toEqual([500, { detail: 'A server error occurred.' }, 'a-bug']);
    const lines = out.lines.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => [l.level, l.context, l.request_id])).toEqual([
      ['error', 'DrfExceptionFilter', 'a-bug'],
      ['info', 'AccessLog', 'a-bug'],
    ]);
    expect(lines[0].msg).toMatch(/^TypeError: a bug with no secret in it\n\s+at /);
    expect(lines[1]).toMatchObject({ route: '/test/broken', status: 500, user_id: null });
  });

  it('writes a field named like a credential as [REDACTED]', async () => {
    const { Logger } = await import('@nestjs/common');
    const from = out.lines.length;
    new Logger('Spec').log('a careless line', { headers: { authorization: 'Bearer abc.def.ghi', cookie: 'sessionid=xyz' }, password: 'p4ss', refresh: 'r.e.f', kept: 'visible' });
    const line = JSON.parse(out.lines[from]);
    expect(line).toMatchObject({ context: 'Spec', msg: 'a careless line', kept: 'visible', password: '[REDACTED]', refresh: '[REDACTED]', headers: { authorization: '[REDACTED]', cookie: '[REDACTED]' } });
    expect(out.lines[from]).not.toMatch(/abc\.def|xyz|p4ss|r\.e\.f/);
  });
});

describe('ACCESS_LOG=false', () => {
  const out = new Lines();
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ LOG_FORMAT: 'json', ACCESS_LOG: 'false' }, undefined, appLogger({ logFormat: 'json', logLevel: 'log' }, out));
    await createUser(t, { username: 'alice', password: 'correct horse' });
  });
  afterAll(() => t.close());

  it('writes no access line, and the rest as before', async () => {
    const from = out.lines.length;
    const login = await t.http().post('/api/token/').set('X-Request-Id', 'quiet-login').send({ username: 'alice', password: 'correct horse' });
    expect([login.status, login.headers['x-request-id']]).toEqual([200, 'quiet-login']);
    expect((await t.http().get('/api/me/').set(bearer(login.body.access))).status).toBe(200);
    const lines = out.lines.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => [l.context, l.msg, l.request_id])).toEqual([['AuthEvents', 'login_succeeded', 'quiet-login']]);
  });
});

describe('LOG_LEVEL=warn, JSON', () => {
  const out = new Lines();
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ LOG_FORMAT: 'json', LOG_LEVEL: 'warn', JWT_REFRESH_TOKEN_REUSE_GRACE: '0' }, undefined, appLogger({ logFormat: 'json', logLevel: 'warn' }, out));
    await createUser(t, { username: 'alice', password: 'correct horse' });
  });
  afterAll(() => t.close());

  it('writes only warnings and worse: no access lines (level log), the reuse warning with its request id', async () => {
    const from = out.lines.length;
    const { refresh } = (await t.http().post('/api/token/').send({ username: 'alice', password: 'correct horse' })).body;
    expect((await t.http().post('/api/token/refresh/').send({ refresh })).status).toBe(200);
    const reuse = await t.http().post('/api/token/refresh/').set('X-Request-Id', 'replayed').send({ refresh });
    expect(reuse.status).toBe(401);
    const lines = out.lines.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => [l.level, l.context, l.event, l.request_id])).toEqual([['warn', 'AuthEvents', 'reuse_detected', 'replayed']]);
  });
});
