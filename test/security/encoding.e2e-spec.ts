// Encodings: strict UTF-8, no lone surrogates, no member twice (RFC 7493 I-JSON, RFC 8725 §3.7),
// and an Authorization header split on HTTP's whitespace only.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabases } from '../support/database.js';
import { createUser, startApp, type TestApp } from '../support/test-app.js';
import { accessClaims, now } from '../support/tokens.js';
import { BAD_HEADER, forge, me, rawAuthorization, refusedEverywhere, verify } from './forge.js';

const HS = { alg: 'HS256', typ: 'JWT' };

describe('security: encodings', () => {
  let t: TestApp;
  let alice: number;
  let bob: number;

  beforeAll(async () => {
    t = await startApp();
    alice = (await createUser(t, { username: 'alice' })).id;
    bob = (await createUser(t, { username: 'bob' })).id;
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  /** The claims of a valid access token for alice as JSON text, with `extra` spliced in before the closing brace. */
  const json = (extra = '', claims: Record<string, unknown> = accessClaims(alice)) => JSON.stringify(claims).slice(0, -1) + extra + '}';
  /** The same with raw bytes spliced into a string claim: `"note":"<bytes>"`. */
  const withBytes = (raw: number[]) => Buffer.concat([Buffer.from(json().slice(0, -1) + ',"note":"'), Buffer.from(raw), Buffer.from('"}')]);

  it.each<[string, () => string | Buffer]>([
    ['a byte that is never UTF-8 (0xFF)', () => withBytes([0xff])],
    ['an overlong encoding of "/" (0xC0 0xAF)', () => withBytes([0xc0, 0xaf])],
    ['a truncated three-byte sequence', () => withBytes([0xe2, 0x82])],
    ['a surrogate encoded in UTF-8 (CESU-8, 0xED 0xA0 0x80)', () => withBytes([0xed, 0xa0, 0x80])],
    ['a lone high surrogate escape', () => json(',"note":"\\ud800"')],
    ['a lone low surrogate escape', () => json(',"note":"\\udc00"')],
    ['a surrogate pair in the wrong order', () => json(',"note":"\\udc00\\ud800"')],
    ['a lone surrogate in a member name', () => json(',"\\ud800":1')],
    ['jti twice', () => json(',"jti":"another"')],
    ['exp twice, the later one far ahead', () => json(`,"exp":${now() + 86400 * 365}`)],
    ['token_type twice (refresh then access)', () => json('', { ...accessClaims(alice), token_type: 'refresh' }).slice(0, -1) + ',"token_type":"access"}'],
    ['a name spelled twice, once with an escape ("user_\\u0069d")', () => json(`,"user_\\u0069d":${alice}`)],
    ['a member twice inside a nested object', () => json(',"ctx":{"a":1,"a":2}')],
    ['a byte-order mark before the JSON', () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json())])],
    ['text after the JSON', () => json() + ' x'],
    ['a payload that is an array', () => '[1]'],
    ['a payload that is null', () => 'null'],
  ])('refuses a payload with %s', async (_case, payload) => {
    await refusedEverywhere(t, forge(HS, payload(), 'HS256'));
  });

  it('refuses user_id twice: the last one (another user) never wins', async () => {
    const token = forge(HS, json(`,"user_id":${bob}`), 'HS256');
    await refusedEverywhere(t, token);
  });

  it.each<[string, string | Buffer]>([
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x6c, 0x67, 0x22, 0x3a, 0x22, 0x48, 0x53, 0x32, 0x35, 0x36, 0xff, 0x22, 0x7d])],
    ['a lone surrogate escape in typ', '{"alg":"HS256","typ":"\\ud800"}'],
  ])('refuses a header with %s', async (_case, header) => {
    await refusedEverywhere(t, forge(header, accessClaims(alice), 'HS256'));
  });

  it.each<[string, () => string]>([
    ['an escaped surrogate pair (U+1F600)', () => json(',"note":"\\ud83d\\ude00"')],
    ['raw UTF-8 (é, 中, 😀)', () => json(',"note":"é中😀"')],
    ['the same name in two different objects', () => json(',"a":{"x":1},"b":{"x":2}')],
    ['a name that only differs in case', () => json(',"Jti":"x"')],
    ['escapes that are not surrogates (\\u0041, \\n)', () => json(',"note":"\\u0041\\n"')],
  ])('accepts a payload with %s', async (_case, payload) => {
    const token = forge(HS, payload(), 'HS256');
    const bearer = await me(t, token);
    expect([bearer.status, bearer.body.id]).toEqual([200, alice]);
    expect((await verify(t, token)).status).toBe(200);
  });

  describe('the Authorization header', () => {
    let good: string;
    beforeAll(() => {
      good = forge(HS, accessClaims(alice), 'HS256');
    });

    it.each<[string, string]>([
      ['a no-break space (U+00A0) after Bearer', 'Bearer\u00a0'],
      ['a no-break space and a space after Bearer', 'Bearer\u00a0 '],
    ])('answers %s with 401 bad_authorization_header', async (_case, prefix) => {
      const res = await t.http().get('/api/me/').set('Authorization', `${prefix}${good}`);
      expect([res.status, res.body]).toEqual([401, BAD_HEADER]);
    });

    it.each<[string, number[]]>([
      ['U+00A0 in UTF-8 (0xC2 0xA0)', [0xc2, 0xa0]],
      ['an em space U+2003', [0xe2, 0x80, 0x83]],
      ['an ideographic space U+3000', [0xe3, 0x80, 0x80]],
      ['a line separator U+2028', [0xe2, 0x80, 0xa8]],
      ['a byte-order mark U+FEFF', [0xef, 0xbb, 0xbf]],
    ])('answers %s after Bearer (raw bytes) with 401 bad_authorization_header', async (_case, raw) => {
      const res = await rawAuthorization(t, Buffer.concat([Buffer.from('Bearer'), Buffer.from(raw), Buffer.from(good)]));
      expect(res).toEqual({ status: 401, body: BAD_HEADER });
    });

    it('answers a no-break space after the token with 401 bad_authorization_header', async () => {
      const res = await t.http().get('/api/me/').set('Authorization', `Bearer ${good}\u00a0`);
      expect([res.status, res.body]).toEqual([401, BAD_HEADER]);
    });

    it('still takes a tab or several spaces between Bearer and the token', async () => {
      for (const gap of ['\t', '   ']) {
        const res = await t.http().get('/api/me/').set('Authorization', `Bearer${gap}${good}`);
        expect([res.status, res.body.id]).toEqual([200, alice]);
      }
    });

    it('takes a non-ASCII header of another scheme as no credentials of ours', async () => {
      const res = await t.http().get('/api/me/').set('Authorization', 'Basic\u00a0YWxpY2U=');
      expect([res.status, res.body]).toEqual([401, { detail: 'Authentication credentials were not provided.' }]);
    });
  });
});
