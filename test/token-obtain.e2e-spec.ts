import { createSecretKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jwkThumbprint } from '@nest-simplejwt/auth';
import { dropDatabases, sql } from './support/database.js';
import { createUser, decode, SIGNING_KEY, startApp, type TestApp } from './support/test-app.js';

const NO_ACCOUNT = { detail: 'No active account found with the given credentials' };

describe('POST /api/token/ (obtain a pair)', () => {
  let t: TestApp;
  let aliceId: number;

  beforeAll(async () => {
    t = await startApp();
    aliceId = (await createUser(t, { username: 'alice', password: ' spaced pass ' })).id;
    await createUser(t, { username: 'sleepy', isActive: false });
    await createUser(t, { username: '123' });
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  const obtain = (body: unknown, type = 'application/json') =>
    t.http().post('/api/token/').set('Content-Type', type).send(typeof body === 'string' ? body : JSON.stringify(body));

  it('answers a refresh and an access token with the contract claims', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await obtain({ username: 'alice', password: ' spaced pass ' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['refresh', 'access']);
    const refresh = decode(res.body.refresh);
    const access = decode(res.body.access);
    // kid: the RFC 7638 thumbprint of the key (here an HMAC secret's JWK).
    const kid = jwkThumbprint(createSecretKey(Buffer.from(SIGNING_KEY)));
    expect(refresh.header).toEqual({ alg: 'HS256', kid, typ: 'JWT' });
    expect(access.header).toEqual({ alg: 'HS256', kid, typ: 'JWT' });
    expect(Object.keys(refresh.payload)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id', 'sid']);
    expect(Object.keys(access.payload)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id', 'sid']);
    expect(access.payload.sid).toBe(refresh.payload.sid);
    expect(refresh.payload).toMatchObject({ token_type: 'refresh', user_id: aliceId });
    expect(access.payload).toMatchObject({ token_type: 'access', user_id: aliceId });
    expect(refresh.payload.jti).toMatch(/^[0-9a-f]{32}$/);
    expect(access.payload.jti).toMatch(/^[0-9a-f]{32}$/);
    expect(access.payload.jti).not.toBe(refresh.payload.jti);
    const iat = refresh.payload.iat as number;
    expect(iat).toBeGreaterThanOrEqual(before);
    expect(refresh.payload.exp).toBe(iat + 7 * 24 * 3600);
    expect(access.payload.exp).toBe((access.payload.iat as number) + 15 * 60);
  });

  it('starts a session: its row holds the tokens by jti and times, never as strings', async () => {
    const res = await obtain({ username: 'alice', password: ' spaced pass ' }).set('User-Agent', 'spec-browser/2.0');
    const refresh = decode(res.body.refresh).payload;
    const access = decode(res.body.access).payload;
    const rows = await sql(t.databaseUrl, 'SELECT * FROM token_session WHERE id = $1', [refresh.sid]);
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row).toMatchObject({
      user_id: String(aliceId),
      user_agent: 'spec-browser/2.0',
      ip_address: '127.0.0.1',
      live_jti: refresh.jti,
      live_iat: String(refresh.iat),
      live_exp: String(refresh.exp),
      access_jti: access.jti,
      access_exp: String(access.exp),
      parent_jti: null,
      revoked_at: null,
    });
    // The absolute end: 30 days (JWT_SESSION_LIFETIME) after the login.
    expect(new Date(row.expires_at).getTime() / 1000).toBe((refresh.iat as number) + 30 * 86400);
    for (const token of [res.body.refresh, res.body.access]) expect(JSON.stringify(row)).not.toContain(token.split('.')[2]);
  });

  it('accepts a urlencoded form', async () => {
    const res = await obtain('username=alice&password=+spaced+pass+', 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
  });

  it('accepts application/json in any case and with a charset', async () => {
    const res = await obtain({ username: 'alice', password: ' spaced pass ' }, 'Application/JSON; charset=UTF-8');
    expect(res.status).toBe(200);
  });

  it('trims the username but never the password', async () => {
    expect((await obtain({ username: '  alice\t', password: ' spaced pass ' })).status).toBe(200);
    const trimmed = await obtain({ username: 'alice', password: 'spaced pass' });
    expect(trimmed.status).toBe(401);
    expect(trimmed.body).toEqual(NO_ACCOUNT);
  });

  it('takes a number as its decimal string, as DRF CharField does', async () => {
    const res = await obtain({ username: 123, password: 'correct horse' });
    expect(res.status).toBe(200);
  });

  it.each([
    ['a wrong password', { username: 'alice', password: 'wrong' }],
    ['an unknown user', { username: 'nobody', password: 'correct horse' }],
    ['an inactive user', { username: 'sleepy', password: 'correct horse' }],
  ])('refuses %s with 401 and WWW-Authenticate', async (_case, body) => {
    const res = await obtain(body);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(NO_ACCOUNT);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it.each([
    ['missing fields', {}, { username: ['This field is required.'], password: ['This field is required.'] }],
    ['a blank username', { username: '', password: 'x' }, { username: ['This field may not be blank.'] }],
    ['a whitespace username', { username: '   ', password: 'x' }, { username: ['This field may not be blank.'] }],
    ['a blank password', { username: 'alice', password: '' }, { password: ['This field may not be blank.'] }],
    ['null fields', { username: null, password: null }, { username: ['This field may not be null.'], password: ['This field may not be null.'] }],
    ['an object', { username: { a: 1 }, password: 'x' }, { username: ['Not a valid string.'] }],
    ['an array', { username: 'alice', password: ['x'] }, { password: ['Not a valid string.'] }],
    ['a boolean', { username: true, password: 'x' }, { username: ['Not a valid string.'] }],
  ])('answers 400 for %s', async (_case, body, errors) => {
    const res = await obtain(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errors);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it.each([
    ['a list', '[1, 2]', { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] }],
    ['a string', '"alice"', { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] }],
    ['a number', '42', { non_field_errors: ['Invalid data. Expected a dictionary, but got int.'] }],
    ['null', 'null', { non_field_errors: ['No data provided'] }],
  ])('answers 400 for a body that is %s', async (_case, body, errors) => {
    const res = await obtain(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errors);
  });

  it('reads an empty body without a content type as {}', async () => {
    const res = await t.http().post('/api/token/');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ username: ['This field is required.'], password: ['This field is required.'] });
  });

  it('answers malformed JSON with a parse error', async () => {
    const res = await obtain('{"username": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: expect.stringMatching(/^JSON parse error - /) });
  });

  it('answers 415 for another content type, quoting it', async () => {
    const res = await obtain('username=alice', 'text/plain');
    expect(res.status).toBe(415);
    expect(res.body).toEqual({ detail: 'Unsupported media type "text/plain" in request.' });
  });

  it('ignores unknown fields, __proto__ included', async () => {
    const res = await obtain('{"username": "alice", "password": " spaced pass ", "__proto__": {"admin": true}, "x": 1}');
    expect(res.status).toBe(200);
  });

  it('leaves last_login alone by default (UPDATE_LAST_LOGIN off)', async () => {
    await obtain({ username: 'alice', password: ' spaced pass ' });
    const [row] = await sql(t.databaseUrl, 'SELECT last_login FROM auth_user WHERE id = $1', [aliceId]);
    expect(row.last_login).toBeNull();
  });
});
