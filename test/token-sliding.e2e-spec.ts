import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabases } from './support/database.js';
import { bearer, createUser, decode, startApp, type TestApp } from './support/test-app.js';
import { accessClaims, now, signed } from './support/tokens.js';

describe('sliding tokens (JWT_SLIDING_TOKENS=true, JWT_AUTH_TOKEN_CLASSES=SlidingToken)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ JWT_SLIDING_TOKENS: 'true', JWT_AUTH_TOKEN_CLASSES: 'SlidingToken' });
    await createUser(t, { username: 'alice' });
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  const obtain = () => t.http().post('/api/token/sliding/').send({ username: 'alice', password: 'correct horse' });
  const slide = (token: string) => t.http().post('/api/token/sliding/refresh/').send({ token });

  it('answers one token that carries exp and refresh_exp', async () => {
    const res = await obtain();
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['token']);
    const claims = decode(res.body.token).payload;
    expect(Object.keys(claims)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id', 'sid', 'refresh_exp']);
    expect(claims.token_type).toBe('sliding');
    expect(claims.exp).toBe((claims.iat as number) + 300);
    expect(claims.refresh_exp).toBe((claims.iat as number) + 86400);
  });

  it('works as a bearer token', async () => {
    const { token } = (await obtain()).body;
    expect((await t.http().get('/api/me/').set(bearer(token))).status).toBe(200);
  });

  it('refreshes into the same jti and refresh_exp with a new exp', async () => {
    const { token } = (await obtain()).body;
    await new Promise((r) => setTimeout(r, 1100));
    const res = await slide(token);
    expect(res.status).toBe(200);
    const before = decode(token).payload;
    const after = decode(res.body.token).payload;
    expect(after.jti).toBe(before.jti);
    expect(after.refresh_exp).toBe(before.refresh_exp);
    expect(after.exp).toBeGreaterThan(before.exp as number);
  });

  it("refuses a sliding token whose refresh_exp has passed", async () => {
    const stale = signed({ ...accessClaims(1, { token_type: 'sliding' }), refresh_exp: now() - 1 });
    const res = await slide(stale);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: "Token 'refresh_exp' claim has expired", code: 'token_not_valid' });
  });

  it('refuses an access token at the sliding refresh', async () => {
    const res = await slide(signed(accessClaims(1)));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Token has wrong type', code: 'token_not_valid' });
  });

  it('refuses an access token as a bearer when only SlidingToken is accepted', async () => {
    const res = await t.http().get('/api/me/').set(bearer(signed(accessClaims(1))));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [{ token_class: 'SlidingToken', token_type: 'sliding', message: 'Token has wrong type' }],
    });
  });

  it('refuses wrong credentials as the pair endpoint does', async () => {
    const res = await t.http().post('/api/token/sliding/').send({ username: 'alice', password: 'nope' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'No active account found with the given credentials' });
  });
});
