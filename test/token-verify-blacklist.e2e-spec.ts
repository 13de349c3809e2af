import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabases } from './support/database.js';
import { createUser, login, startApp, type TestApp } from './support/test-app.js';
import { accessClaims, now, signed } from './support/tokens.js';

const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };

describe('POST /api/token/verify/ and /api/token/blacklist/', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
    await createUser(t, { username: 'alice' });
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  const verify = (token: unknown) => t.http().post('/api/token/verify/').send({ token });
  const blacklist = (refresh: unknown) => t.http().post('/api/token/blacklist/').send({ refresh });
  const refresh = (token: string) => t.http().post('/api/token/refresh/').send({ refresh: token });

  it('verifies an access token and a refresh token with {}', async () => {
    const pair = await login(t, 'alice');
    for (const token of [pair.access, pair.refresh]) {
      const res = await verify(token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
    }
  });

  it.each([
    ['garbage', 'abc', 'Token is invalid'],
    ['an expired token', signed(accessClaims(1, { exp: now() - 5 })), 'Token is expired'],
    ['a token without jti', signed(accessClaims(1, { jti: undefined })), 'Token has no id'],
  ])('refuses %s with 401', async (_case, token, detail) => {
    const res = await verify(token);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail, code: 'token_not_valid' });
  });

  it('refuses a token of a type this server does not issue (stricter than SimpleJWT, which verifies any)', async () => {
    const res = await verify(signed(accessClaims(1, { token_type: 'something-else' })));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Token has wrong type', code: 'token_not_valid' });
  });

  it('answers 400 non_field_errors for a blacklisted refresh token', async () => {
    const pair = await login(t, 'alice');
    await refresh(pair.refresh);
    const res = await verify(pair.refresh);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ non_field_errors: ['Token is blacklisted'] });
  });

  it('requires the token field', async () => {
    const res = await t.http().post('/api/token/verify/').send({});
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ token: ['This field is required.'] });
  });

  it('blacklists a refresh token (logout): {} and it cannot refresh any more', async () => {
    const pair = await login(t, 'alice');
    const res = await blacklist(pair.refresh);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const after = await refresh(pair.refresh);
    expect(after.status).toBe(401);
    expect(after.body).toEqual(BLACKLISTED);
  });

  it('refuses to blacklist a token twice', async () => {
    const pair = await login(t, 'alice');
    await blacklist(pair.refresh);
    const res = await blacklist(pair.refresh);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(BLACKLISTED);
  });

  it('ends the whole session: tokens of the same chain stop working', async () => {
    const pair = await login(t, 'alice');
    const rotated = (await refresh(pair.refresh)).body.refresh;
    const logout = await blacklist(rotated);
    expect(logout.status).toBe(200);
    expect((await refresh(rotated)).status).toBe(401);
    // Another login of the same user is another session and keeps working.
    const other = await login(t, 'alice');
    expect((await refresh(other.refresh)).status).toBe(200);
  });

  it('refuses an access token: wrong type', async () => {
    const pair = await login(t, 'alice');
    const res = await blacklist(pair.access);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Token has wrong type', code: 'token_not_valid' });
  });

  it('requires the refresh field', async () => {
    const res = await t.http().post('/api/token/blacklist/').send({ token: 'x' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ refresh: ['This field is required.'] });
  });
});

describe('sessions across a restart', () => {
  it('keep their state when the app is started again on the same database', async () => {
    const env = { JWT_REFRESH_TOKEN_REUSE_GRACE: '0s' };
    const first = await startApp(env);
    await createUser(first, { username: 'carol' });
    const rotatedAway = await login(first, 'carol');
    const loggedOut = await login(first, 'carol');
    const next = await first.http().post('/api/token/refresh/').send({ refresh: rotatedAway.refresh });
    expect(next.status).toBe(200);
    expect((await first.http().post('/api/token/blacklist/').send({ refresh: loggedOut.refresh })).status).toBe(200);
    await first.close();

    const second = await startApp(env, first.databaseUrl);
    try {
      for (const token of [rotatedAway.refresh, loggedOut.refresh, loggedOut.access]) {
        const verified = await second.http().post('/api/token/verify/').send({ token });
        expect(verified.status).toBe(400);
        expect(verified.body).toEqual({ non_field_errors: ['Token is blacklisted'] });
      }
      const refused = await second.http().post('/api/token/refresh/').send({ refresh: loggedOut.refresh });
      expect([refused.status, refused.body]).toEqual([401, BLACKLISTED]);
      const successor = await second.http().post('/api/token/refresh/').send({ refresh: next.body.refresh });
      expect(successor.status).toBe(200);
      // The rotated-away token replayed now is a reuse: the session ends, successor included.
      const replay = await second.http().post('/api/token/refresh/').send({ refresh: rotatedAway.refresh });
      expect([replay.status, replay.body]).toEqual([401, BLACKLISTED]);
      const victim = await second.http().post('/api/token/refresh/').send({ refresh: successor.body.refresh });
      expect([victim.status, victim.body]).toEqual([401, BLACKLISTED]);
    } finally {
      await second.close();
      await dropDatabases();
    }
  });
});
