import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabases, sql } from './support/database.js';
import { bearer, createUser, login, startApp, type TestApp } from './support/test-app.js';
import { accessClaims, now, signed, signedPayload } from './support/tokens.js';

const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };

/** SimpleJWT's body for a bearer token no token class accepts. */
const invalid = (message: string) => ({
  detail: 'Given token not valid for any token type',
  code: 'token_not_valid',
  messages: [{ token_class: 'AccessToken', token_type: 'access', message }],
});

describe('authentication on every route', () => {
  let t: TestApp;
  let alice: { id: number };
  let access: string;

  beforeAll(async () => {
    t = await startApp();
    alice = await createUser(t, { username: 'alice', email: 'alice@example.com', isStaff: true });
    access = (await login(t, 'alice')).access;
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  const me = (headers: Record<string, string> = {}) => t.http().get('/api/me/').set(headers);

  it('answers the current user for a valid access token', async () => {
    const res = await me(bearer(access));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: alice.id,
      username: 'alice',
      email: 'alice@example.com',
      first_name: '',
      last_name: '',
      is_staff: true,
      is_superuser: false,
      is_active: true,
      last_login: null,
      date_joined: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}000)?Z$/),
    });
    expect(typeof res.body.id).toBe('number');
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('refuses an anonymous request to a protected route with 401 and WWW-Authenticate', async () => {
    const res = await me();
    expect(res.status).toBe(401);
    expect(res.body).toEqual(NOT_PROVIDED);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('lets an anonymous request through to a public route', async () => {
    const res = await t.http().get('/api/health/');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: 'ok' });
  });

  it('refuses an invalid token on a public route too, as DRF does', async () => {
    const health = await t.http().get('/api/health/').set(bearer('garbage'));
    expect(health.status).toBe(401);
    expect(health.body).toEqual(invalid('Token is invalid'));
  });

  it("ignores the Authorization header on the token endpoints, as SimpleJWT's views do", async () => {
    const pair = await login(t, 'alice');
    const expired = signed(accessClaims(alice.id, { exp: now() - 60, iat: now() - 120 }));
    for (const header of [bearer('garbage'), bearer(expired), { Authorization: 'Bearer' }]) {
      const obtain = await t.http().post('/api/token/').set(header).send({ username: 'alice', password: 'correct horse' });
      expect(obtain.status).toBe(200);
      const verify = await t.http().post('/api/token/verify/').set(header).send({ token: pair.access });
      expect(verify.status).toBe(200);
    }
    // The everyday case: a client attaches its expired access token to the refresh call too.
    const refresh = await t.http().post('/api/token/refresh/').set(bearer(expired)).send({ refresh: pair.refresh });
    expect(refresh.status).toBe(200);
  });

  it('refuses a refresh token used as a bearer: wrong type', async () => {
    const { refresh } = await login(t, 'alice');
    const res = await me(bearer(refresh));
    expect(res.status).toBe(401);
    expect(res.body).toEqual(invalid('Token has wrong type'));
  });

  it.each([
    ['another key', () => signed(accessClaims(1), 'some other signing key of sufficient length'), 'Token is invalid'],
    ['an expired token', () => signed(accessClaims(1, { exp: now() - 1, iat: now() - 60 })), 'Token is expired'],
    ['a token issued in the future', () => signed(accessClaims(1, { iat: now() + 120 })), 'Token is invalid'],
    ['a token not valid yet (nbf)', () => signed(accessClaims(1, { nbf: now() + 120 })), 'Token is invalid'],
    ['a token without exp', () => signed(accessClaims(1, { exp: undefined })), "Token has no 'exp' claim"],
    ['a string exp', () => signed(accessClaims(1, { exp: String(now() + 60) })), 'Token is invalid'],
    ['a token without jti', () => signed(accessClaims(1, { jti: undefined })), 'Token has no id'],
    ['a numeric jti', () => signed(accessClaims(1, { jti: 42 })), 'Token is invalid'],
    ['a token without type', () => signed(accessClaims(1, { token_type: undefined })), 'Token has no type'],
    ['a sliding token', () => signed(accessClaims(1, { token_type: 'sliding' })), 'Token has wrong type'],
    ['HS512 when HS256 is configured', () => signed(accessClaims(1), undefined, 'HS512'), 'Token is invalid'],
    ['a payload that is not an object', () => signedPayload('"just a string"'), 'Token is invalid'],
    ['two segments', () => 'abc.def', 'Token is invalid'],
    ['trailing junk', () => signed(accessClaims(1)) + '~', 'Token is invalid'],
  ])('refuses %s', async (_case, make, message) => {
    const res = await me(bearer(make()));
    expect(res.status).toBe(401);
    expect(res.body).toEqual(invalid(message));
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('accepts the user id as a number or its canonical decimal string', async () => {
    expect((await me(bearer(signed(accessClaims(alice.id))))).status).toBe(200);
    expect((await me(bearer(signed(accessClaims(String(alice.id)))))).status).toBe(200);
  });

  it('refuses a token without a user id claim', async () => {
    const res = await me(bearer(signed(accessClaims(undefined))));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Token contained no recognizable user identification', code: 'token_not_valid' });
  });

  it.each([
    ['true', true],
    ['"abc"', 'abc'],
    ['"01"', '01'],
    ['" 1"', ' 1'],
    ['1.5', 1.5],
    ['null', null],
    ['[1]', [1]],
    ['an id that does not exist', 999999],
    ['an id beyond int4', 2 ** 40],
  ])('never logs in with user_id %s: User not found', async (_case, userId) => {
    const res = await me(bearer(signed(accessClaims(userId))));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'User not found', code: 'user_not_found' });
  });

  it('refuses the token of a deleted user and of an inactive one', async () => {
    const gone = await createUser(t, { username: 'gone' });
    const sleepy = await createUser(t, { username: 'sleepy' });
    const goneAccess = (await login(t, 'gone')).access;
    const sleepyAccess = (await login(t, 'sleepy')).access;
    await sql(t.databaseUrl, 'DELETE FROM auth_user WHERE id = $1', [gone.id]);
    await sql(t.databaseUrl, 'UPDATE auth_user SET is_active = false WHERE id = $1', [sleepy.id]);
    const deleted = await me(bearer(goneAccess));
    expect(deleted.status).toBe(401);
    expect(deleted.body).toEqual({ detail: 'User not found', code: 'user_not_found' });
    const inactive = await me(bearer(sleepyAccess));
    expect(inactive.status).toBe(401);
    expect(inactive.body).toEqual({ detail: 'User is inactive', code: 'user_inactive' });
  });

  it("refuses an access token at once when its session has ended (database mode)", async () => {
    const pair = await login(t, 'alice');
    expect((await me(bearer(pair.access))).status).toBe(200);
    expect((await t.http().post('/api/token/blacklist/').send({ refresh: pair.refresh })).status).toBe(200);
    const res = await me(bearer(pair.access));
    expect(res.status).toBe(401);
    expect(res.body).toEqual(invalid('Token is blacklisted'));
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('accepts an access token without a session id (SimpleJWT issued it, or this server before sessions)', async () => {
    const res = await me(bearer(signed(accessClaims(alice.id))));
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(alice.id);
  });

  it('refuses an access token whose session is unknown', async () => {
    const res = await me(bearer(signed(accessClaims(alice.id, { sid: 'f'.repeat(32) }))));
    expect(res.status).toBe(401);
    expect(res.body).toEqual(invalid('Token is blacklisted'));
  });
});
