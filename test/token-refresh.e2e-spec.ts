import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabases, sql } from './support/database.js';
import { bearer, createUser, decode, login, startApp, type TestApp } from './support/test-app.js';
import { accessClaims, now, refreshClaims, signed } from './support/tokens.js';

const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };
const NO_ACCOUNT = { detail: 'No active account found for the given token.', code: 'no_active_account' };

describe('POST /api/token/refresh/', () => {
  let t: TestApp;
  let aliceId: number;

  beforeAll(async () => {
    t = await startApp();
    aliceId = (await createUser(t, { username: 'alice' })).id;
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  const refresh = (token: unknown) => t.http().post('/api/token/refresh/').send({ refresh: token });

  it('answers a new access token and, rotating, a new refresh token', async () => {
    const pair = await login(t, 'alice');
    await new Promise((r) => setTimeout(r, 1100)); // so the new tokens get their own iat
    const res = await refresh(pair.refresh);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['access', 'refresh']);
    const access = decode(res.body.access).payload;
    const next = decode(res.body.refresh).payload;
    const old = decode(pair.refresh).payload;
    expect(access).toMatchObject({ token_type: 'access', user_id: aliceId });
    expect(access.iat).toBeGreaterThan(old.iat as number);
    expect(access.exp).toBe((access.iat as number) + 900);
    expect(next).toMatchObject({ token_type: 'refresh', user_id: aliceId });
    expect(next.jti).not.toBe(old.jti);
    expect(next.exp).toBe((next.iat as number) + 7 * 86400);
    const me = await t.http().get('/api/me/').set(bearer(res.body.access));
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(aliceId);
  });

  it('answers a retry of the rotated token (within the grace window) with the same pair, and refuses it two generations back', async () => {
    const pair = await login(t, 'alice');
    const first = await refresh(pair.refresh);
    expect(first.status).toBe(200);
    const retry = await refresh(pair.refresh);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body); // HS256: byte for byte the same tokens
    const second = await refresh(first.body.refresh);
    expect(second.status).toBe(200);
    const replay = await refresh(pair.refresh);
    expect(replay.status).toBe(401);
    expect(replay.body).toEqual(BLACKLISTED);
    expect(replay.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it("keeps the chain in the login's session row: the live token, its parent and when it was rotated", async () => {
    const pair = await login(t, 'alice');
    const next = (await refresh(pair.refresh)).body.refresh;
    const old = decode(pair.refresh).payload;
    const fresh = decode(next).payload;
    expect(fresh.sid).toBe(old.sid);
    const [row] = await sql(
      t.databaseUrl,
      `SELECT user_id, live_jti, live_iat::int, live_exp::int, parent_jti, parent_rotated_at IS NOT NULL AS rotated, revoked_at
         FROM token_session WHERE id = $1`,
      [old.sid],
    );
    expect(row).toEqual({
      user_id: String(aliceId),
      live_jti: fresh.jti,
      live_iat: fresh.iat,
      live_exp: fresh.exp,
      parent_jti: old.jti,
      rotated: true,
      revoked_at: null,
    });
    // No token string, and nothing in SimpleJWT's tables for a token with a session.
    const [{ count }] = await sql(t.databaseUrl, 'SELECT count(*)::int AS count FROM token_blacklist_outstandingtoken WHERE jti = ANY($1)', [[old.jti, fresh.jti]]);
    expect(count).toBe(0);
  });

  it('gives 20 concurrent refreshes of one token the same successor: nothing forks', async () => {
    const pair = await login(t, 'alice');
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh(pair.refresh)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => r.body.refresh)).size).toBe(1);
    expect(new Set(results.map((r) => r.body.access)).size).toBe(1);
    const [row] = await sql(t.databaseUrl, 'SELECT live_jti, parent_jti FROM token_session WHERE id = $1', [decode(pair.refresh).payload.sid]);
    expect(row).toEqual({ live_jti: decode(results[0].body.refresh).payload.jti, parent_jti: decode(pair.refresh).payload.jti });
    expect((await refresh(results[0].body.refresh)).status).toBe(200);
  });

  it('gives one successor across two app instances on one database', async () => {
    const other = await startApp({}, t.databaseUrl);
    try {
      const pair = await login(t, 'alice');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? other : t).http().post('/api/token/refresh/').send({ refresh: pair.refresh })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(new Set(results.map((r) => r.body.refresh)).size).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('refuses an access token: wrong type', async () => {
    const pair = await login(t, 'alice');
    const res = await refresh(pair.access);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Token has wrong type', code: 'token_not_valid' });
  });

  it.each([
    ['garbage', 'not-a-token', 'Token is invalid'],
    ['a token signed with another key', signed(refreshClaims(1), 'another key entirely, also long enough'), 'Token is invalid'],
    ['an expired token', signed(refreshClaims(1, { exp: now() - 10, iat: now() - 100 })), 'Token is expired'],
    ['a token without jti', signed(refreshClaims(1, { jti: undefined })), 'Token has no id'],
    ['a token without type', signed(refreshClaims(1, { token_type: undefined })), 'Token has no type'],
    ['a token without exp', signed(refreshClaims(1, { exp: undefined })), "Token has no 'exp' claim"],
    ['a token with exp as a string', signed(refreshClaims(1, { exp: String(now() + 100) })), 'Token is invalid'],
    ['a token issued in the future', signed(refreshClaims(1, { iat: now() + 600 })), 'Token is invalid'],
    ['a token not valid before later', signed(refreshClaims(1, { nbf: now() + 600 })), 'Token is invalid'],
    ['an alg:none token', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(refreshClaims(1))}.`, 'Token is invalid'],
  ])('refuses %s', async (_case, token, detail) => {
    const res = await refresh(token);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail, code: 'token_not_valid' });
  });

  it('refuses trailing junk after the signature and non-canonical base64url', async () => {
    const { refresh: token } = await login(t, 'alice');
    for (const bad of [token + 'x', token + '.', token + '=', token.slice(0, -1) + flipLastChar(token)]) {
      const res = await refresh(bad);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'Token is invalid', code: 'token_not_valid' });
    }
  });

  it('refuses a refresh for a deleted or an inactive user', async () => {
    const gone = await createUser(t, { username: 'gone' });
    const sleepy = await createUser(t, { username: 'sleepy' });
    const gonePair = await login(t, 'gone');
    const sleepyPair = await login(t, 'sleepy');
    await sql(t.databaseUrl, 'DELETE FROM auth_user WHERE id = $1', [gone.id]);
    await sql(t.databaseUrl, 'UPDATE auth_user SET is_active = false WHERE id = $1', [sleepy.id]);
    for (const token of [gonePair.refresh, sleepyPair.refresh]) {
      const res = await refresh(token);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(NO_ACCOUNT);
    }
    // The deleted user's session rotated nothing; the inactive user's session is over.
    const rows = await sql(
      t.databaseUrl,
      'SELECT id, live_jti, revoked_reason FROM token_session WHERE id = ANY($1) ORDER BY created_at',
      [[decode(gonePair.refresh).payload.sid, decode(sleepyPair.refresh).payload.sid]],
    );
    expect(rows).toEqual([
      { id: decode(gonePair.refresh).payload.sid, live_jti: decode(gonePair.refresh).payload.jti, revoked_reason: null },
      { id: decode(sleepyPair.refresh).payload.sid, live_jti: expect.any(String), revoked_reason: 'user_inactive' },
    ]);
    await sql(t.databaseUrl, 'UPDATE auth_user SET is_active = true WHERE id = $1', [sleepy.id]);
    expect((await refresh(sleepyPair.refresh)).body).toEqual(BLACKLISTED);
  });

  it.each([
    ['true', true],
    ['"abc"', 'abc'],
    ['"01"', '01'],
    ['null', null],
    ['an object', { id: 1 }],
    ['missing', undefined],
  ])('refuses a refresh whose user_id is %s: it names no user', async (_case, userId) => {
    const res = await refresh(signed(refreshClaims(userId)));
    expect(res.status).toBe(401);
    expect(res.body).toEqual(NO_ACCOUNT);
  });

  it('accepts the user id as its canonical decimal string', async () => {
    const res = await refresh(signed(refreshClaims(String(aliceId))));
    expect(res.status).toBe(200);
  });

  it('copies custom claims into the access token but never type, exp, iat or jti', async () => {
    const res = await refresh(signed(refreshClaims(aliceId, { scope: 'notes:read' })));
    expect(res.status).toBe(200);
    const access = decode(res.body.access).payload;
    expect(access.scope).toBe('notes:read');
    expect(access.token_type).toBe('access');
    expect(decode(res.body.refresh).payload.scope).toBe('notes:read');
  });

  it('answers field errors for a missing, blank or non-string refresh', async () => {
    expect((await t.http().post('/api/token/refresh/').send({})).body).toEqual({ refresh: ['This field is required.'] });
    expect((await refresh('  ')).body).toEqual({ refresh: ['This field may not be blank.'] });
    expect((await refresh(null)).body).toEqual({ refresh: ['This field may not be null.'] });
    expect((await refresh(['x'])).body).toEqual({ refresh: ['Not a valid string.'] });
  });

  it('trims whitespace around the token', async () => {
    const pair = await login(t, 'alice');
    expect((await refresh(`  ${pair.refresh}\n`)).status).toBe(200);
  });
});

describe('reuse detection', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ JWT_REFRESH_TOKEN_REUSE_GRACE: '0s' });
    await createUser(t, { username: 'bob' });
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  it('revokes the whole session when a rotated token is replayed after the grace period', async () => {
    const stolen = (await login(t, 'bob')).refresh;
    const first = await t.http().post('/api/token/refresh/').send({ refresh: stolen });
    const second = await t.http().post('/api/token/refresh/').send({ refresh: first.body.refresh });
    expect(second.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const replay = await t.http().post('/api/token/refresh/').send({ refresh: stolen });
    expect(replay.status).toBe(401);
    expect(replay.body).toEqual(BLACKLISTED);
    // The legitimate holder's newest token is dead too: the session is over.
    const victim = await t.http().post('/api/token/refresh/').send({ refresh: second.body.refresh });
    expect(victim.status).toBe(401);
    expect(victim.body).toEqual(BLACKLISTED);
    // Another session of the same user is untouched.
    const other = await login(t, 'bob');
    expect((await t.http().post('/api/token/refresh/').send({ refresh: other.refresh })).status).toBe(200);
  });

  it('issues access tokens with exactly the contract claims, and the session id', async () => {
    const pair = await login(t, 'bob');
    const access = decode(pair.access).payload;
    expect(access).toEqual({ ...accessClaims(access.user_id), token_type: 'access', exp: access.exp, iat: access.iat, jti: access.jti, sid: access.sid });
    expect(access.sid).toMatch(/^[0-9a-f]{32}$/);
    expect(decode(pair.refresh).payload.sid).toBe(access.sid);
  });
});

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The signature's last character with different padding bits: decodes the same, not canonical. */
function flipLastChar(token: string): string {
  const last = token[token.length - 1];
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const index = alphabet.indexOf(last);
  // A 43-char HS256 signature carries 2 spare bits in its last character.
  return alphabet[(index & ~3) | ((index + 1) & 3)];
}
