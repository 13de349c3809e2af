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

  it('refuses the rotated token and accepts its successor', async () => {
    const pair = await login(t, 'alice');
    const first = await refresh(pair.refresh);
    expect(first.status).toBe(200);
    const again = await refresh(pair.refresh);
    expect(again.status).toBe(401);
    expect(again.body).toEqual(BLACKLISTED);
    expect(again.headers['www-authenticate']).toBe('Bearer realm="api"');
    const second = await refresh(first.body.refresh);
    expect(second.status).toBe(200);
  });

  it('keeps a rotated chain in one session, blacklisting each used token', async () => {
    const pair = await login(t, 'alice');
    const next = (await refresh(pair.refresh)).body.refresh;
    const rows = await sql(
      t.databaseUrl,
      `SELECT o.jti, o.session_id, b.id IS NOT NULL AS blacklisted
         FROM token_blacklist_outstandingtoken o LEFT JOIN token_blacklist_blacklistedtoken b ON b.token_id = o.id
        WHERE o.jti = ANY($1) ORDER BY o.id`,
      [[decode(pair.refresh).payload.jti, decode(next).payload.jti]],
    );
    const root = decode(pair.refresh).payload.jti;
    expect(rows).toEqual([
      { jti: root, session_id: root, blacklisted: true },
      { jti: decode(next).payload.jti, session_id: root, blacklisted: false },
    ]);
  });

  it('lets exactly one of 20 concurrent refreshes of one token win', async () => {
    const pair = await login(t, 'alice');
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh(pair.refresh)));
    const won = results.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    for (const lost of results.filter((r) => r.status !== 200)) {
      expect(lost.status).toBe(401);
      expect(lost.body).toEqual(BLACKLISTED);
    }
    const session = decode(pair.refresh).payload.jti;
    const [{ count }] = await sql(t.databaseUrl, 'SELECT count(*)::int AS count FROM token_blacklist_outstandingtoken WHERE session_id = $1', [session]);
    expect(count).toBe(2); // the original and one successor: nothing forked
    // The losers came within the grace period: the winner's successor still works.
    expect((await refresh(won[0].body.refresh)).status).toBe(200);
  });

  it('lets exactly one win across two app instances on one database', async () => {
    const other = await startApp({}, t.databaseUrl);
    try {
      const pair = await login(t, 'alice');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? other : t).http().post('/api/token/refresh/').send({ refresh: pair.refresh })),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 401)).toHaveLength(19);
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
    // Nothing was rotated: the tokens were not blacklisted by the refused attempt.
    const [row] = await sql(
      t.databaseUrl,
      `SELECT count(*)::int AS count FROM token_blacklist_blacklistedtoken b JOIN token_blacklist_outstandingtoken o ON o.id = b.token_id WHERE o.jti = $1`,
      [decode(sleepyPair.refresh).payload.jti],
    );
    expect(row.count).toBe(0);
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

  it('issues access tokens with exactly the contract claims', async () => {
    const pair = await login(t, 'bob');
    const access = decode(pair.access).payload;
    expect(access).toEqual({ ...accessClaims(access.user_id), token_type: 'access', exp: access.exp, iat: access.iat, jti: access.jti });
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
