// Type confusion: a token of one kind where another belongs (refresh as bearer, access at
// refresh, sliding where sliding tokens are off), fields of the wrong JSON type, and a session id
// that names another user's session, none, or something that is no session id.
import { beforeAll, afterAll, describe, expect, it } from '@jest/globals';
import { dropDatabases } from '../support/database.js';
import { createUser, decode, login } from '../support/test-app.js';
import { accessClaims, now, refreshClaims } from '../support/tokens.js';
import { appWith, bearerRefusal, forge, INVALID, me, refresh, verify } from './forge.js';

const HS = { alg: 'HS256', typ: 'JWT' };
const WRONG_TYPE = { detail: 'Token has wrong type', code: 'token_not_valid' };
const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };
const NOT_FOUND = { detail: 'Not found.' };
const signed = (claims: Record<string, unknown>) => forge(HS, claims, 'HS256');
const slidingClaims = (userId: number, overrides: Record<string, unknown> = {}) =>
  accessClaims(userId, { token_type: 'sliding', exp: now() + 300, refresh_exp: now() + 86400, ...overrides });

afterAll(async () => {
  await dropDatabases();
});

describe('security: type confusion (defaults: access tokens are the bearer tokens, no sliding tokens)', () => {
  const app = appWith();
  let pair: { access: string; refresh: string };

  beforeAll(async () => {
    pair = await login(app.t, 'alice');
  });

  it.each<[string, () => string, string]>([
    ['a refresh token from a login', () => pair.refresh, 'Token has wrong type'],
    ['a signed refresh-type token', () => signed(refreshClaims(app.alice)), 'Token has wrong type'],
    ['a sliding token (sliding tokens are off)', () => signed(slidingClaims(app.alice)), 'Token has wrong type'],
    ['token_type "ACCESS"', () => signed(accessClaims(app.alice, { token_type: 'ACCESS' })), 'Token has wrong type'],
    ['token_type "access " (a trailing space)', () => signed(accessClaims(app.alice, { token_type: 'access ' })), 'Token has wrong type'],
    ['token_type ["access"]', () => signed(accessClaims(app.alice, { token_type: ['access'] })), 'Token has wrong type'],
    ['token_type {"access": true}', () => signed(accessClaims(app.alice, { token_type: { access: true } })), 'Token has wrong type'],
    ['token_type null (present, so wrong, as SimpleJWT says)', () => signed(accessClaims(app.alice, { token_type: null })), 'Token has wrong type'],
    ['no token_type', () => signed(accessClaims(app.alice, { token_type: undefined })), 'Token has no type'],
  ])('a protected route refuses %s as a bearer token', async (_case, token, message) => {
    const res = await me(app.t, token());
    expect([res.status, res.body]).toEqual([401, bearerRefusal(message)]);
  });

  it.each<[string, () => string]>([
    ['an access token from a login', () => pair.access],
    ['a signed access token', () => signed(accessClaims(app.alice))],
    ['a sliding token (sliding tokens are off)', () => signed(slidingClaims(app.alice))],
    ['token_type "Refresh"', () => signed(refreshClaims(app.alice, { token_type: 'Refresh' }))],
  ])('refresh refuses %s: Token has wrong type', async (_case, token) => {
    const res = await refresh(app.t, token());
    expect([res.status, res.body]).toEqual([401, WRONG_TYPE]);
  });

  it('logout refuses an access token: Token has wrong type', async () => {
    const res = await app.t.http().post('/api/token/blacklist/').send({ refresh: pair.access });
    expect([res.status, res.body]).toEqual([401, WRONG_TYPE]);
  });

  it.each([['/api/token/sliding/'], ['/api/token/sliding/refresh/']])('%s does not exist where sliding tokens are off: 404', async (path) => {
    const res = await app.t.http().post(path).send({ username: 'alice', password: 'correct horse', token: signed(slidingClaims(app.alice)) });
    expect([res.status, res.body]).toEqual([404, NOT_FOUND]);
  });

  it.each<[string, unknown, number, unknown]>([
    ['a number (read as its decimal string, as DRF does)', 123, 401, INVALID],
    ['an object', { token: 'x' }, 400, { token: ['Not a valid string.'] }],
    ['an array holding a valid token', ['TOKEN'], 400, { token: ['Not a valid string.'] }],
    ['true', true, 400, { token: ['Not a valid string.'] }],
    ['null', null, 400, { token: ['This field may not be null.'] }],
    ['empty', '', 400, { token: ['This field may not be blank.'] }],
    ['whitespace only', ' \t\n', 400, { token: ['This field may not be blank.'] }],
    ['a NUL inside', 'a\u0000b', 400, { token: ['Null characters are not allowed.'] }],
  ])('verify answers a token that is %s with its exact refusal', async (_case, value, status, body) => {
    const res = await verify(app.t, (Array.isArray(value) ? [pair.access] : value) as string);
    expect([res.status, res.body]).toEqual([status, body]);
  });

  it('verify takes a valid token with surrounding whitespace (trimmed, as DRF does)', async () => {
    const res = await verify(app.t, `  ${pair.access}\n`);
    expect([res.status, res.body]).toEqual([200, {}]);
  });

  it('refresh refuses a refresh token sent as a one-element array: 400 Not a valid string', async () => {
    const res = await app.t.http().post('/api/token/refresh/').send({ refresh: [pair.refresh] });
    expect([res.status, res.body]).toEqual([400, { refresh: ['Not a valid string.'] }]);
  });
});

describe("security: session ids (sid) that are not the token's own", () => {
  const app = appWith();
  let bob: number;
  let alice: { access: string; refresh: string };
  let bobs: { access: string; refresh: string };
  const claimsOf = (token: string) => decode(token).payload;

  beforeAll(async () => {
    bob = (await createUser(app.t, { username: 'bob' })).id;
    alice = await login(app.t, 'alice');
    bobs = await login(app.t, 'bob');
  });

  /** Alice's session still works: her refresh token rotates it (which also proves nothing rotated it before). */
  async function aliceSessionLives(): Promise<void> {
    const res = await refresh(app.t, alice.refresh);
    expect([res.status, Object.keys(res.body)]).toEqual([200, ['access', 'refresh']]);
    alice = res.body;
  }

  it("an access token naming bob in alice's session is refused: the session is not bob's", async () => {
    const res = await me(app.t, signed({ ...claimsOf(bobs.access), sid: claimsOf(alice.access).sid }));
    expect([res.status, res.body]).toEqual([401, bearerRefusal('Token is blacklisted')]);
  });

  it("alice's refresh token re-signed for bob (her session, her live jti) is refused, and rotates nothing", async () => {
    const res = await refresh(app.t, signed({ ...claimsOf(alice.refresh), user_id: bob }));
    expect([res.status, res.body]).toEqual([401, BLACKLISTED]);
    await aliceSessionLives();
  });

  it("bob's refresh token re-signed with alice's sid is refused, and does not revoke her session as a replay", async () => {
    const res = await refresh(app.t, signed({ ...claimsOf(bobs.refresh), sid: claimsOf(alice.refresh).sid }));
    expect([res.status, res.body]).toEqual([401, BLACKLISTED]);
    await aliceSessionLives();
  });

  it("a logout with bob's refresh token naming alice's session ends nothing", async () => {
    const res = await app.t.http().post('/api/token/blacklist/').send({ refresh: signed({ ...claimsOf(bobs.refresh), sid: claimsOf(alice.refresh).sid }) });
    expect([res.status, res.body]).toEqual([401, BLACKLISTED]);
    await aliceSessionLives();
  });

  it("verify refuses a refresh token naming another user's session", async () => {
    const res = await verify(app.t, signed({ ...claimsOf(bobs.refresh), sid: claimsOf(alice.refresh).sid }));
    expect([res.status, res.body]).toEqual([400, { non_field_errors: ['Token is blacklisted'] }]);
  });

  it('a sid that names no session: refused as a bearer token and at refresh', async () => {
    const sid = 'f'.repeat(32);
    const bearer = await me(app.t, signed({ ...claimsOf(alice.access), sid }));
    expect([bearer.status, bearer.body]).toEqual([401, bearerRefusal('Token is blacklisted')]);
    const res = await refresh(app.t, signed({ ...claimsOf(alice.refresh), sid }));
    expect([res.status, res.body]).toEqual([401, BLACKLISTED]);
  });

  it.each<[string, unknown]>([
    ['a number', 5],
    ['null', null],
    ['an object', { id: 'x' }],
  ])('a sid that is %s is refused everywhere as an invalid token', async (_case, sid) => {
    const bearer = await me(app.t, signed({ ...claimsOf(alice.access), sid }));
    expect([bearer.status, bearer.body]).toEqual([401, bearerRefusal('Token is invalid')]);
    const res = await refresh(app.t, signed({ ...claimsOf(alice.refresh), sid }));
    expect([res.status, res.body]).toEqual([401, INVALID]);
  });

  it("alice's refresh token re-signed without its sid is taken as SimpleJWT's own: one refresh, then blacklisted", async () => {
    const stripped = signed({ ...claimsOf(alice.refresh), sid: undefined });
    expect((await refresh(app.t, stripped)).status).toBe(200);
    const again = await refresh(app.t, stripped);
    expect([again.status, again.body]).toEqual([401, BLACKLISTED]);
  });
});

describe('security: type confusion with sliding tokens on (JWT_SLIDING_TOKENS=true; bearer tokens still AccessToken only)', () => {
  const app = appWith({ JWT_SLIDING_TOKENS: 'true' });
  let sliding: string;
  let pair: { access: string; refresh: string };

  beforeAll(async () => {
    sliding = (await app.t.http().post('/api/token/sliding/').send({ username: 'alice', password: 'correct horse' })).body.token;
    pair = await login(app.t, 'alice');
  });

  it('a sliding token from a login verifies, but is no bearer token here: Token has wrong type', async () => {
    expect((await verify(app.t, sliding)).body).toEqual({});
    const res = await me(app.t, sliding);
    expect([res.status, res.body]).toEqual([401, bearerRefusal('Token has wrong type')]);
  });

  it.each<[string, string, () => string, string]>([
    ['a refresh token at sliding refresh', '/api/token/sliding/refresh/', () => pair.refresh, 'token'],
    ['an access token at sliding refresh', '/api/token/sliding/refresh/', () => pair.access, 'token'],
    ['a sliding token at refresh', '/api/token/refresh/', () => sliding, 'refresh'],
    ['a sliding token at logout', '/api/token/blacklist/', () => sliding, 'refresh'],
  ])('refuses %s: Token has wrong type', async (_case, path, token, field) => {
    const res = await app.t.http().post(path).send({ [field]: token() });
    expect([res.status, res.body]).toEqual([401, WRONG_TYPE]);
  });
});
