// The JOSE header: only alg, typ and kid, each as this server means it (RFC 8725 §3.1, §3.11).
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jwkThumbprint } from '@nest-simplejwt/auth';
import { dropDatabases } from '../support/database.js';
import { createUser, SIGNING_KEY, startApp, type TestApp } from '../support/test-app.js';
import { accessClaims, refreshClaims } from '../support/tokens.js';
import { bearerRefusal, forge, INVALID, me, refresh, refusedEverywhere, type Segment, verify } from './forge.js';

describe('security: the JOSE header', () => {
  let t: TestApp;
  let alice: number;
  const kid = jwkThumbprint(createSecretKey(Buffer.from(SIGNING_KEY)));

  beforeAll(async () => {
    t = await startApp();
    alice = (await createUser(t, { username: 'alice' })).id;
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  /** Both doors a token goes through: a protected route and the verify endpoint, each with its exact 401. */
  const HS = { alg: 'HS256', typ: 'JWT' };
  const long = 'k'.repeat(300);
  it.each<[string, Segment]>([
    ['crit (a header parameter it must understand)', { ...HS, crit: ['exp'], exp: 1 }],
    ['crit naming b64', { ...HS, crit: ['b64'] }],
    ['b64: false (an unencoded payload, RFC 7797)', { ...HS, b64: false }],
    ['zip (a compressed payload)', { ...HS, zip: 'DEF' }],
    ['cty (a nested token)', { ...HS, cty: 'JWT' }],
    ['jku (fetch the key from there)', { ...HS, jku: 'http://127.0.0.1:9/jwks.json' }],
    ['jwk (the key embedded in the token)', { ...HS, jwk: { kty: 'oct', k: 'AAAA' } }],
    ['x5u', { ...HS, x5u: 'http://127.0.0.1:9/cert.pem' }],
    ['x5c', { ...HS, x5c: ['MIIB'] }],
    ['an unknown member', { ...HS, foo: 'bar' }],
    ['alg twice, none last', '{"alg":"HS256","typ":"JWT","alg":"none"}'],
    ['alg twice, the right one last (JSON.parse would read HS256)', '{"alg":"none","typ":"JWT","alg":"HS256"}'],
    ['kid twice', `{"alg":"HS256","kid":"x","kid":"${kid}"}`],
    ['no alg', { typ: 'JWT' }],
    ['alg in lower case', { alg: 'hs256', typ: 'JWT' }],
    ['alg as a list', { alg: ['HS256'], typ: 'JWT' }],
    ['alg none', { alg: 'none', typ: 'JWT' }],
    ['alg HS512 over an HS256 signature', { alg: 'HS512', typ: 'JWT' }],
    ['alg RS256 on an HMAC key', { alg: 'RS256', typ: 'JWT' }],
    ['an unknown kid', { ...HS, kid: 'no-such-key' }],
    ['a kid that is a number', { ...HS, kid: 1 }],
    ['an empty kid', { ...HS, kid: '' }],
    ['a kid of 300 characters', { ...HS, kid: long }],
    ['typ JOSE', { alg: 'HS256', typ: 'JOSE' }],
    ['typ dpop+jwt (a DPoP proof)', { alg: 'HS256', typ: 'dpop+jwt' }],
    ['typ logout+jwt (a logout token)', { alg: 'HS256', typ: 'logout+jwt' }],
    ['typ a number', { alg: 'HS256', typ: 1 }],
    ['typ rt+jwt on an access token', { alg: 'HS256', typ: 'rt+jwt' }],
    ['a header that is an array', '["HS256"]'],
    ['a header that is a string', '"HS256"'],
    ['a header that is null', 'null'],
    ['a header of more than 1 KiB (whitespace)', `{"alg":"HS256",${' '.repeat(1100)}"typ":"JWT"}`],
  ])('refuses %s with 401 token_not_valid on a protected route and on verify', async (_case, header) => {
    await refusedEverywhere(t, forge(header, accessClaims(alice), 'HS256'));
  });

  it('refuses typ at+jwt on a refresh token at the refresh endpoint (the token contradicts itself)', async () => {
    const res = await refresh(t, forge({ alg: 'HS256', typ: 'at+jwt' }, refreshClaims(alice)));
    expect([res.status, res.body]).toEqual([401, INVALID]);
  });

  it('refuses typ at+jwt on a token whose token_type says refresh, at verify', async () => {
    const res = await verify(t, forge({ alg: 'HS256', typ: 'at+jwt' }, refreshClaims(alice)));
    expect([res.status, res.body]).toEqual([401, INVALID]);
  });

  it('refuses an HMAC token whose kid names an RSA key it was not signed with', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const res = await me(t, forge({ ...HS, kid: jwkThumbprint(rsa.publicKey) }, accessClaims(alice)));
    expect([res.status, res.body]).toEqual([401, bearerRefusal()]);
  });

  it.each<[string, Segment]>([
    ['no typ at all', { alg: 'HS256' }],
    ['typ jwt in lower case', { alg: 'HS256', typ: 'jwt' }],
    ['typ at+jwt on an access token (RFC 9068)', { alg: 'HS256', typ: 'at+jwt' }],
    ['typ application/at+jwt', { alg: 'HS256', typ: 'application/at+jwt' }],
    ["the current key's kid", { alg: 'HS256', kid, typ: 'JWT' }],
    ['members in another order, with whitespace', '{ "typ" : "JWT" ,\n "alg" : "HS256" }'],
  ])('accepts %s', async (_case, header) => {
    const token = forge(header, accessClaims(alice), 'HS256');
    const bearer = await me(t, token);
    expect([bearer.status, bearer.body.id]).toEqual([200, alice]);
    const checked = await verify(t, token);
    expect([checked.status, checked.body]).toEqual([200, {}]);
  });

  it('accepts typ rt+jwt on a refresh token at the refresh endpoint', async () => {
    const res = await refresh(t, forge({ alg: 'HS256', typ: 'rt+jwt' }, refreshClaims(alice)));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['access', 'refresh']);
  });

  it('writes alg, kid and typ, and nothing else, in the tokens it issues', async () => {
    const res = await t.http().post('/api/token/').send({ username: 'alice', password: 'correct horse' });
    const header = JSON.parse(Buffer.from(res.body.access.split('.')[0], 'base64url').toString());
    expect(header).toEqual({ alg: 'HS256', kid, typ: 'JWT' });
  });
});
