import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabases, sql } from './support/database.js';
import { bearer, createUser, login, startApp, type TestApp } from './support/test-app.js';
import { accessClaims, signed } from './support/tokens.js';

describe('JWT_AUTHENTICATION_CLASS=JWTStatelessUserAuthentication', () => {
  let t: TestApp;
  let id: number;

  beforeAll(async () => {
    t = await startApp({ JWT_AUTHENTICATION_CLASS: 'JWTStatelessUserAuthentication' });
    id = (await createUser(t, { username: 'alice' })).id;
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  it("answers /api/me/ from the token alone (SimpleJWT's TokenUser)", async () => {
    const { access } = await login(t, 'alice');
    const res = await t.http().get('/api/me/').set(bearer(access));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, username: '', is_staff: false, is_superuser: false, is_active: true });
  });

  it('reads username and staff flags from claims of those names', async () => {
    const token = signed(accessClaims(77, { username: 'carol', is_staff: true }));
    const res = await t.http().get('/api/me/').set(bearer(token));
    expect(res.body).toEqual({ id: 77, username: 'carol', is_staff: true, is_superuser: false, is_active: true });
  });

  it('makes no user lookup: a deleted user keeps access until the token expires', async () => {
    const gone = await createUser(t, { username: 'gone' });
    const { access } = await login(t, 'gone');
    await sql(t.databaseUrl, 'DELETE FROM auth_user WHERE id = $1', [gone.id]);
    expect((await t.http().get('/api/me/').set(bearer(access))).status).toBe(200);
  });

  it.each([['missing', undefined], ['true', true], ['null', null], ['an object', { id: 1 }]])(
    'refuses a token whose user id is %s',
    async (_case, userId) => {
      const res = await t.http().get('/api/me/').set(bearer(signed(accessClaims(userId))));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'Token contained no recognizable user identification', code: 'token_not_valid' });
    },
  );

  it('still checks the token itself', async () => {
    const res = await t.http().get('/api/me/').set(bearer(signed(accessClaims(id, { token_type: 'refresh' }))));
    expect(res.status).toBe(401);
    expect(res.body.messages).toEqual([{ token_class: 'AccessToken', token_type: 'access', message: 'Token has wrong type' }]);
  });
});
