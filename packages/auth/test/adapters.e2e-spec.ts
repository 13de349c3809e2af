import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabases, emptyDatabase } from '../../../test/support/database.js';
import type { LoginAttempt } from '../src/index.js';
import { AccountStore, type Account } from './support/account-store.js';
import { ADAPTERS, SIGNING_KEY, startAdopter, type AdopterApp } from './support/adapters.js';

const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };
const notAllowed = (method: string) => ({ detail: `Method "${method}" not allowed.` });
const decode = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

afterAll(() => dropDatabases());

describe.each(ADAPTERS)('the AuthModule in an app of its own on %s', (adapter) => {
  let t: AdopterApp;
  let store: AccountStore;
  let alice: Account;
  const successes: { user: Account; attempt: LoginAttempt }[] = [];
  const failures: LoginAttempt[] = [];

  beforeAll(async () => {
    const url = await emptyDatabase();
    store = await AccountStore.create(url);
    alice = await store.add('alice@example.com', 'correct horse');
    await store.add('root@example.com', 'correct horse', { admin: true });
    await store.add('gone@example.com', 'correct horse', { active: false });
    t = await startAdopter(adapter, {
      SIGNING_KEY,
      userStore: store,
      database: url,
      runMigrations: true,
      DEFAULT_THROTTLE_RATES: {},
      tokenClaims: (user) => ({ email: user.email }),
      ON_LOGIN_SUCCESS: (user, attempt) => void successes.push({ user, attempt }),
      ON_LOGIN_FAILED: (attempt) => void failures.push(attempt),
    });
  });
  afterAll(async () => {
    await t?.close();
    await store?.close();
  });

  const login = (username: string, password = 'correct horse') => t.http().post('/api/token/').send({ username, password });

  it('logs in with its own user store, puts tokenClaims in the tokens and calls ON_LOGIN_SUCCESS', async () => {
    const res = await login('alice@example.com').set('User-Agent', 'spec-agent/1');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['refresh', 'access']);
    expect(decode(res.body.access)).toMatchObject({ token_type: 'access', user_id: alice.id, email: 'alice@example.com' });
    const last = successes.at(-1)!;
    expect(last.user).toEqual(alice);
    // Fastify gives every request an id (its default genReqId: req-1, req-2, ...); Express none.
    const requestId = adapter === 'fastify' ? { requestId: expect.stringMatching(/^req-\d+$/) } : {};
    expect(last.attempt).toEqual({ username: 'alice@example.com', ip: '127.0.0.1', userAgent: 'spec-agent/1', ...requestId });
  });

  it('refuses a wrong password and an inactive account in SimpleJWT words, calling ON_LOGIN_FAILED', async () => {
    for (const [username, password] of [['alice@example.com', 'wrong'], ['gone@example.com', 'correct horse'], ['nobody@example.com', 'x']]) {
      const res = await login(username, password);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'No active account found with the given credentials' });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(failures.at(-1)).toMatchObject({ username, ip: '127.0.0.1' });
    }
  });

  it('rotates on refresh: a retry gets the same pair, a token two generations back ends the session', async () => {
    const { refresh } = (await login('alice@example.com')).body;
    const next = await t.http().post('/api/token/refresh/').send({ refresh });
    expect(next.status).toBe(200);
    expect(Object.keys(next.body)).toEqual(['access', 'refresh']);
    expect((await t.http().post('/api/token/refresh').send({ refresh })).body).toEqual(next.body);
    const after = await t.http().post('/api/token/refresh/').send({ refresh: next.body.refresh });
    expect(after.status).toBe(200);
    const again = await t.http().post('/api/token/refresh').send({ refresh });
    expect(again.status).toBe(401);
    expect(again.body).toEqual({ detail: 'Token is blacklisted', code: 'token_not_valid' });
    const ended = await t.http().get('/api/profile/').set('Authorization', `Bearer ${after.body.access}`);
    expect(ended.status).toBe(401);
  });

  it('lists the caller\'s sessions and ends another after asking for the password', async () => {
    const first = (await login('alice@example.com').set('User-Agent', 'phone/1')).body;
    const second = (await login('alice@example.com').set('User-Agent', 'laptop/1')).body;
    const auth = { Authorization: `Bearer ${second.access}` };
    const listed = await t.http().get('/api/sessions/').set(auth);
    expect(listed.status).toBe(200);
    const firstSid = decode(first.access).sid;
    const mine = listed.body.find((s: { id: string }) => s.id === firstSid);
    expect(mine).toMatchObject({ user_agent: 'phone/1', ip_address: '127.0.0.1', current: false });
    const wrong = await t.http().post(`/api/sessions/${firstSid}/revoke/`).set(auth).send({ password: 'nope' });
    expect([wrong.status, wrong.body]).toEqual([400, { password: ['Incorrect password.'] }]);
    const done = await t.http().post(`/api/sessions/${firstSid}/revoke`).set(auth).send({ password: 'correct horse' });
    expect(done.status).toBe(204);
    expect((await t.http().get('/api/profile/').set('Authorization', `Bearer ${first.access}`)).status).toBe(401);
    expect((await t.http().get('/api/profile/').set(auth)).status).toBe(200);
  });

  it('protects its routes by default and checks permission classes', async () => {
    const { access } = (await login('alice@example.com')).body;
    const root = (await login('root@example.com')).body.access;
    const anonymous = await t.http().get('/api/profile/');
    expect([anonymous.status, anonymous.body, anonymous.headers['www-authenticate']]).toEqual([401, NOT_PROVIDED, 'Bearer realm="api"']);
    const mine = await t.http().get('/api/profile').set('Authorization', `Bearer ${access}`);
    expect([mine.status, mine.body]).toEqual([200, { id: alice.id }]);
    const refused = await t.http().get('/api/admin/').set('Authorization', `Bearer ${access}`);
    expect([refused.status, refused.body]).toEqual([403, { detail: 'You do not have permission to perform this action.' }]);
    expect(refused.headers['www-authenticate']).toBeUndefined();
    const staff = await t.http().get('/api/admin/').set('Authorization', `Bearer ${root}`);
    expect([staff.status, staff.body]).toEqual([200, { admin: true }]);
    const forged = await t.http().get('/api/ping/').set('Authorization', 'Bearer not.a.token');
    expect(forged.status).toBe(401);
    expect(forged.body).toEqual({
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid' }],
    });
    expect((await t.http().get('/api/ping')).body).toEqual({ pong: true });
  });

  it('answers a wrong method with 405 and Allow, after authentication', async () => {
    const get = await t.http().get('/api/token/');
    expect([get.status, get.body, get.headers.allow]).toEqual([405, notAllowed('GET'), 'POST, OPTIONS']);
    const trace = await t.http().delete('/api/token/refresh');
    expect([trace.status, trace.body, trace.headers.allow]).toEqual([405, notAllowed('DELETE'), 'POST, OPTIONS']);
    const anonymous = await t.http().post('/api/profile/');
    expect([anonymous.status, anonymous.body]).toEqual([401, NOT_PROVIDED]);
    const { access } = (await login('alice@example.com')).body;
    const post = await t.http().put('/api/profile/').set('Authorization', `Bearer ${access}`);
    expect([post.status, post.body, post.headers.allow]).toEqual([405, notAllowed('PUT'), 'GET, HEAD, OPTIONS']);
  });

  it('answers OPTIONS with the route described and Allow', async () => {
    const res = await t.http().options('/api/token/refresh/');
    expect(res.status).toBe(200);
    expect(res.headers.allow).toBe('POST, OPTIONS');
    expect(res.body).toEqual({
      name: 'Token',
      description: '',
      renders: ['application/json'],
      parses: ['application/json', 'application/x-www-form-urlencoded'],
    });
  });

  it("parses bodies as DRF does: forms, any JSON charset, DRF's 400, 415 and parse errors", async () => {
    const form = await t.http().post('/api/token/').type('form').send('username=alice%40example.com&password=correct+horse');
    expect(form.status).toBe(200);
    const charset = await t.http().post('/api/token/').set('Content-Type', 'Application/JSON; charset=UTF-8').send(JSON.stringify({ username: 'alice@example.com', password: 'correct horse' }));
    expect(charset.status).toBe(200);
    const empty = await t.http().post('/api/token/');
    expect([empty.status, empty.body]).toEqual([400, { username: ['This field is required.'], password: ['This field is required.'] }]);
    const list = await t.http().post('/api/token/').set('Content-Type', 'application/json').send('[1]');
    expect([list.status, list.body]).toEqual([400, { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] }]);
    const text = await t.http().post('/api/token/').set('Content-Type', 'text/plain').send('hello');
    expect([text.status, text.body]).toEqual([415, { detail: 'Unsupported media type "text/plain" in request.' }]);
    const broken = await t.http().post('/api/token/').set('Content-Type', 'application/json').send('{"username": ');
    expect(broken.status).toBe(400);
    expect(Object.keys(broken.body)).toEqual(['detail']);
    expect(broken.body.detail).toMatch(/^JSON parse error - /);
    const huge = await t.http().post('/api/token/').set('Content-Type', 'application/json').send(JSON.stringify({ username: 'x'.repeat(1_100_000), password: 'p' }));
    expect([huge.status, huge.body]).toEqual([413, { detail: 'Request body is too large.' }]);
  });

  it('parses the body only after authentication, as DRF does: anonymous garbage to a protected route is a 401', async () => {
    const res = await t.http().put('/api/profile/').set('Content-Type', 'application/json').send('{nope');
    expect([res.status, res.body]).toEqual([401, NOT_PROVIDED]);
  });

  it('locks a username after 10 failed logins from one address: 429 login_locked with Retry-After, the store not asked', async () => {
    const before = failures.length;
    for (let i = 0; i < 9; i++) expect((await login('root@example.com', 'wrong')).status).toBe(401);
    const res = await login('root@example.com', 'wrong');
    expect([res.status, res.body, res.headers['retry-after'], res.headers['www-authenticate']]).toEqual([
      429,
      { detail: 'Too many failed login attempts. Try again in 900 seconds.', code: 'login_locked' },
      '900',
      undefined,
    ]);
    expect((await login('root@example.com')).status).toBe(429);
    // Ten refused logins reached the hook; the locked one did not.
    expect(failures.length - before).toBe(10);
  });

  it('answers unknown paths with 404 "Not found." (also two slashes)', async () => {
    for (const path of ['/nope/', '/api/token//', '/API/TOKEN/']) {
      const res = await t.http().post(path).send({});
      expect([path, res.status, res.body]).toEqual([path, 404, { detail: 'Not found.' }]);
    }
  });
});

describe('adopter defaults', () => {
  let store: AccountStore;
  let url: string;

  beforeAll(async () => {
    url = await emptyDatabase();
    store = await AccountStore.create(url);
    await store.add('alice@example.com', 'correct horse');
  });
  afterAll(() => store.close());

  it('refuses to start on a database without its tables, naming them', async () => {
    const bare = await emptyDatabase();
    await expect(startAdopter('express', { SIGNING_KEY, userStore: store, database: bare })).rejects.toThrow(
      'AuthModule: the database lacks table token_blacklist_outstandingtoken, table token_blacklist_blacklistedtoken, table token_session, table login_failure. ' +
        "Apply the module's migrations (AUTH_MIGRATIONS, with your own TypeORM migrations) or pass `runMigrations: true` to AuthModule.forRoot().",
    );
  });

  it('refuses to start when the session routes are on and the store cannot check or set passwords', async () => {
    const { checkPassword: _c, setPassword: _s, ...rest } = Object.getOwnPropertyDescriptors(AccountStore.prototype);
    void _c;
    void _s;
    const limited = Object.create(Object.getPrototypeOf(AccountStore.prototype), rest) as AccountStore;
    Object.assign(limited, { pool: store.pool });
    await expect(startAdopter('express', { SIGNING_KEY, userStore: limited, database: url, runMigrations: true })).rejects.toThrow(
      'AuthModule: the session routes need UserStore.checkPassword and UserStore.setPassword (re-authentication and the password change); ' +
        'implement them, or pass `sessionRoutes: false`.',
    );
    const t = await startAdopter('express', { SIGNING_KEY, userStore: limited, database: url, runMigrations: true, sessionRoutes: false });
    try {
      const res = await t.http().post('/api/token/').send({ username: 'alice@example.com', password: 'correct horse' });
      expect(res.status).toBe(200);
      expect((await t.http().get('/api/sessions/').set('Authorization', `Bearer ${res.body.access}`)).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('applies its migrations once when several instances start together', async () => {
    const apps = await Promise.all([1, 2, 3].map(() => startAdopter('fastify', { SIGNING_KEY, userStore: store, database: url, runMigrations: true })));
    try {
      const res = await apps[2].http().post('/api/token/').send({ username: 'alice@example.com', password: 'correct horse' });
      expect(res.status).toBe(200);
    } finally {
      await Promise.all(apps.map((a) => a.close()));
    }
  });

  it('throttles the token endpoints unless told otherwise: the 21st login in a minute is a 429', async () => {
    const t = await startAdopter('express', { SIGNING_KEY, userStore: store, database: url });
    try {
      // Twenty usernames, one failure each: the login lockout (10 per username) stays out of it.
      for (let i = 0; i < 20; i++) {
        expect((await t.http().post('/api/token/').send({ username: `nobody${i}@example.com`, password: 'wrong' })).status).toBe(401);
      }
      const res = await t.http().post('/api/token/').send({ username: 'alice@example.com', password: 'correct horse' });
      expect(res.status).toBe(429);
      expect(res.body.detail).toMatch(/^Request was throttled\. Expected available in \d+ seconds?\.$/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // Other routes are not throttled by that default.
      expect((await t.http().get('/api/ping/')).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('builds TOKEN_USER_CLASS from the claims in the stateless mode', async () => {
    class Tenant {
      readonly id: string;
      readonly isStaff = false;
      constructor(claims: Record<string, unknown>, idClaim: string) {
        this.id = `account-${String(claims[idClaim])}`;
      }
    }
    const t = await startAdopter('fastify', {
      SIGNING_KEY,
      userStore: store,
      database: url,
      AUTHENTICATION_CLASS: 'JWTStatelessUserAuthentication',
      TOKEN_USER_CLASS: Tenant,
    });
    try {
      const { access } = (await t.http().post('/api/token/').send({ username: 'alice@example.com', password: 'correct horse' })).body;
      const res = await t.http().get('/api/profile/').set('Authorization', `Bearer ${access}`);
      expect([res.status, res.body]).toEqual([200, { id: `account-${decode(access).user_id}` }]);
    } finally {
      await t.close();
    }
  });
});
