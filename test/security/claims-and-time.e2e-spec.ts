// Claims and time: iat required, no token lives longer than its type's lifetime, no aud or iss
// meant for someone else, and verify takes only the token types this server issues.
import { afterAll, describe, expect, it } from '@jest/globals';
import { dropDatabases } from '../support/database.js';
import { accessClaims, now, refreshClaims } from '../support/tokens.js';
import { appWith, bearerRefusal, forge, INVALID, me, refresh, refusedEverywhere, verify } from './forge.js';

const HS = { alg: 'HS256', typ: 'JWT' };
const ACCESS_LIFETIME = 900;
const REFRESH_LIFETIME = 7 * 86400;
const token = (claims: Record<string, unknown> | string) => forge(HS, claims, 'HS256');

afterAll(async () => {
  await dropDatabases();
});

describe('security: claims and time (defaults: access 15m, refresh 7d, LEEWAY 0)', () => {
  const app = appWith();

  it("refuses a token without iat: Token has no 'iat' claim", async () => {
    await refusedEverywhere(app.t, token(accessClaims(app.alice, { iat: undefined })), "Token has no 'iat' claim");
  });

  it.each<[string, () => Record<string, unknown> | string]>([
    ['iat a string', () => accessClaims(app.alice, { iat: String(now()) })],
    ['iat null', () => accessClaims(app.alice, { iat: null })],
    ['iat a minute ahead', () => accessClaims(app.alice, { iat: now() + 60 })],
    ['iat 1e400 (Infinity to JSON.parse)', () => JSON.stringify(accessClaims(app.alice)).replace(/"iat":\d+/, '"iat":1e400')],
    ['exp 1e400', () => JSON.stringify(accessClaims(app.alice)).replace(/"exp":\d+/, '"exp":1e400')],
    ['exp - iat one second over the access lifetime', () => accessClaims(app.alice, { iat: now() - 10, exp: now() - 10 + ACCESS_LIFETIME + 1 })],
    ['exp ten years after iat', () => accessClaims(app.alice, { iat: now(), exp: now() + 10 * 365 * 86400 })],
    ['an iat long past with an exp to match', () => accessClaims(app.alice, { iat: now() - 86400, exp: now() + 60 })],
    ['aud, when none is configured', () => accessClaims(app.alice, { aud: 'another-api' })],
    ['aud as a list, when none is configured', () => accessClaims(app.alice, { aud: ['another-api'] })],
    ['aud null, when none is configured', () => accessClaims(app.alice, { aud: null })],
    ['iss, when none is configured', () => accessClaims(app.alice, { iss: 'https://issuer.example' })],
    ['nbf a minute ahead', () => accessClaims(app.alice, { nbf: now() + 60 })],
    ['nbf a string', () => accessClaims(app.alice, { nbf: 'soon' })],
  ])('refuses %s with 401 Token is invalid', async (_case, claims) => {
    await refusedEverywhere(app.t, token(claims()));
  });

  it('accepts exp - iat exactly the access lifetime', async () => {
    const jwt = token(accessClaims(app.alice, { iat: now(), exp: now() + ACCESS_LIFETIME }));
    expect((await me(app.t, jwt)).status).toBe(200);
    expect((await verify(app.t, jwt)).body).toEqual({});
  });

  it('refuses at refresh a refresh token living one second longer than REFRESH_TOKEN_LIFETIME', async () => {
    const res = await refresh(app.t, token(refreshClaims(app.alice, { iat: now(), exp: now() + REFRESH_LIFETIME + 1 })));
    expect([res.status, res.body]).toEqual([401, INVALID]);
  });

  it('refreshes a refresh token of exactly REFRESH_TOKEN_LIFETIME', async () => {
    const res = await refresh(app.t, token(refreshClaims(app.alice, { iat: now(), exp: now() + REFRESH_LIFETIME })));
    expect(res.status).toBe(200);
  });

  it('judges an access token by the access lifetime even when it is shorter than the refresh one', async () => {
    const res = await me(app.t, token(accessClaims(app.alice, { iat: now(), exp: now() + REFRESH_LIFETIME })));
    expect([res.status, res.body]).toEqual([401, bearerRefusal()]);
  });

  it.each<[string, unknown, string]>([
    ['sliding (sliding tokens are off)', 'sliding', 'Token has wrong type'],
    ['id (never issued)', 'id', 'Token has wrong type'],
    ['a number', 1, 'Token has wrong type'],
    ['absent', undefined, 'Token has no type'],
  ])('verify refuses token_type %s', async (_case, type, detail) => {
    const res = await verify(app.t, token(accessClaims(app.alice, { token_type: type })));
    expect([res.status, res.body]).toEqual([401, { detail, code: 'token_not_valid' }]);
  });
});

describe('security: claims and time with JWT_LEEWAY=30', () => {
  const app = appWith({ JWT_LEEWAY: '30' });

  it('accepts exp - iat up to the access lifetime plus LEEWAY', async () => {
    const jwt = token(accessClaims(app.alice, { iat: now(), exp: now() + ACCESS_LIFETIME + 30 }));
    expect((await me(app.t, jwt)).status).toBe(200);
  });

  it('refuses exp - iat one second over the access lifetime plus LEEWAY', async () => {
    const res = await me(app.t, token(accessClaims(app.alice, { iat: now(), exp: now() + ACCESS_LIFETIME + 31 })));
    expect([res.status, res.body]).toEqual([401, bearerRefusal()]);
  });
});

describe('security: claims and time with JWT_AUDIENCE and JWT_ISSUER', () => {
  const app = appWith({ JWT_AUDIENCE: 'our-api', JWT_ISSUER: 'https://us.example' });
  const ours = { aud: 'our-api', iss: 'https://us.example' };

  it('accepts an aud list that includes ours', async () => {
    expect((await me(app.t, token(accessClaims(app.alice, { ...ours, aud: ['other', 'our-api'] })))).status).toBe(200);
  });

  it.each<[string, Record<string, unknown>]>([
    ['no aud', { iss: ours.iss }],
    ['no iss', { aud: ours.aud }],
    ['an aud list without ours', { ...ours, aud: ['other'] }],
    ['an iss of another case', { ...ours, iss: 'https://US.example' }],
  ])('refuses %s', async (_case, claims) => {
    const res = await me(app.t, token(accessClaims(app.alice, claims)));
    expect([res.status, res.body]).toEqual([401, bearerRefusal()]);
  });
});

describe('security: claims and time with sliding tokens (5m, refreshable 1d)', () => {
  const app = appWith({ JWT_SLIDING_TOKENS: 'true', JWT_AUTH_TOKEN_CLASSES: 'SlidingToken' });
  const sliding = (overrides: Record<string, unknown> = {}) =>
    token(accessClaims(app.alice, { token_type: 'sliding', exp: now() + 300, refresh_exp: now() + 86400, ...overrides }));

  it('verify accepts a sliding token here, where this server issues them', async () => {
    expect((await verify(app.t, sliding())).body).toEqual({});
  });

  it('refuses a sliding token living longer than SLIDING_TOKEN_LIFETIME', async () => {
    const res = await verify(app.t, sliding({ exp: now() + 301 }));
    expect([res.status, res.body]).toEqual([401, INVALID]);
  });

  it('refuses a sliding token refreshable longer than SLIDING_TOKEN_REFRESH_LIFETIME, at verify and at sliding refresh', async () => {
    const jwt = sliding({ refresh_exp: now() + 86401 });
    const checked = await verify(app.t, jwt);
    expect([checked.status, checked.body]).toEqual([401, INVALID]);
    const res = await app.t.http().post('/api/token/sliding/refresh/').send({ token: jwt });
    expect([res.status, res.body]).toEqual([401, INVALID]);
  });

  it('keeps a sliding token refreshed twice valid (its iat moves, refresh_exp stays)', async () => {
    const first = await app.t.http().post('/api/token/sliding/').send({ username: 'alice', password: 'correct horse' });
    let current = first.body.token as string;
    for (let i = 0; i < 2; i++) {
      const res = await app.t.http().post('/api/token/sliding/refresh/').send({ token: current });
      expect(res.status).toBe(200);
      current = res.body.token;
    }
    expect((await verify(app.t, current)).body).toEqual({});
  });
});
