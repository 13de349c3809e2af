// HTTP parsing: what two parsers could read two ways (duplicate JSON members, duplicate
// Authorization headers, __proto__), what a parser could choke on (oversized heads and bodies,
// odd content types and charsets, deep nesting, huge numbers, broken UTF-8), and framing tricks.
// Each is a 4xx in the contract's shape, never a 5xx, never a login it should not be.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabases } from '../support/database.js';
import { login, type TestApp } from '../support/test-app.js';
import { appWith, BAD_HEADER, rawRequest } from './forge.js';

const BAD_CREDENTIALS = { detail: 'No active account found with the given credentials' };
const REQUIRED = { username: ['This field is required.'], password: ['This field is required.'] };
const unsupported = (type: string) => ({ detail: `Unsupported media type "${type}" in request.` });
const duplicate = (name: string) => ({ detail: `JSON parse error - duplicate member name "${name}"` });
const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };
const MALFORMED = { detail: 'Malformed request.' };
const TOO_LARGE = { detail: 'Request body is too large.' };
const HEADERS_TOO_LARGE = { detail: 'Request header fields are too large.' };

/** A raw POST of `body` (bytes as given) with `headers`, closing the connection after the answer. */
function post(t: TestApp, path: string, headers: Record<string, string>, body: string | Buffer) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const head = Object.entries({ Host: '127.0.0.1', 'Content-Length': String(bytes.length), ...headers, Connection: 'close' })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return rawRequest(t, Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\n${head}\r\n`), bytes]));
}

const json = (t: TestApp, body: string | Buffer, type = 'application/json') => post(t, '/api/token/', { 'Content-Type': type }, body);
const ALICE = '"username": "alice", "password": "correct horse"';

afterAll(async () => {
  await dropDatabases();
});

describe('security: HTTP parsing of bodies', () => {
  const app = appWith();

  it.each<[string, string, unknown]>([
    ['the username twice, the second naming alice', `{"username": "mallory", ${ALICE}}`, duplicate('username')],
    ['the password twice', `{${ALICE}, "password": "guess"}`, duplicate('password')],
    ['the username twice, once spelled with an escape', `{${ALICE}, "\\u0075sername": "mallory"}`, duplicate('username')],
    ['a member twice inside an ignored field', `{${ALICE}, "extra": {"a": 1, "a": 2}}`, duplicate('a')],
    ['a member twice in an object inside an array', `{${ALICE}, "extra": [{"b": 1}, {"b": 2, "b": 3}]}`, duplicate('b')],
  ])('refuses a JSON body with %s: 400, no login', async (_case, body, expected) => {
    expect(await json(app.t, body)).toMatchObject({ status: 400, body: expected });
  });

  it('takes the same name in two different objects', async () => {
    const res = await json(app.t, `{${ALICE}, "a": {"x": 1}, "b": {"x": 1, "a": 2}}`);
    expect([res.status, Object.keys(res.body as object)]).toEqual([200, ['refresh', 'access']]);
  });

  it('answers 80,000 distinct members in one object within 2 s (names go into a Set past 16), and the same with one repeated at the end', async () => {
    const members = Array.from({ length: 80_000 }, (_, i) => `"m${i}":0`).join(',');
    for (const [tail, status, body] of [['', 401, BAD_CREDENTIALS], [',"m0":1', 400, duplicate('m0')]] as const) {
      const started = performance.now();
      const res = await json(app.t, `{"username": "alice", "password": "wrong", ${members}${tail}}`);
      expect(performance.now() - started).toBeLessThan(2000);
      expect([res.status, res.body]).toEqual([status, body]);
    }
  });

  it.each<[string, string, number, unknown]>([
    ['__proto__ holding the credentials', '{"__proto__": {"username": "alice", "password": "correct horse"}}', 400, REQUIRED],
    ['constructor.prototype holding the credentials', '{"constructor": {"prototype": {"username": "alice", "password": "correct horse"}}}', 400, REQUIRED],
    ['__proto__ holding a password beside a username', '{"username": "alice", "__proto__": {"password": "correct horse"}}', 400, { password: ['This field is required.'] }],
    ['__proto__ as a string beside wrong credentials', '{"username": "alice", "password": "wrong", "__proto__": "x"}', 401, BAD_CREDENTIALS],
  ])('reads %s as nothing', async (_case, body, status, expected) => {
    expect(await json(app.t, body)).toMatchObject({ status, body: expected });
  });

  it('a form with __proto__ fields logs in by its own fields only', async () => {
    const wrong = await json(app.t, '__proto__[password]=correct+horse&username=alice&password=wrong', 'application/x-www-form-urlencoded');
    expect([wrong.status, wrong.body]).toEqual([401, BAD_CREDENTIALS]);
    const right = await json(app.t, '__proto__=x&username=alice&password=correct+horse', 'application/x-www-form-urlencoded');
    expect(right.status).toBe(200);
  });

  it.each<[string, string, number, unknown]>([
    ['a password of 1e21 (read as "1e+21")', '{"username": "alice", "password": 1e21}', 401, BAD_CREDENTIALS],
    ['a username of -0', '{"username": -0, "password": "x"}', 401, BAD_CREDENTIALS],
    ['a 400-digit password', `{"username": "alice", "password": ${'9'.repeat(400)}}`, 400, { password: ['Not a valid string.'] }],
    ['a username of 1e-400 (0 to JSON.parse)', '{"username": 1e-400, "password": "x"}', 401, BAD_CREDENTIALS],
    ['a password nested 100,000 arrays deep', `{"username": "alice", "password": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 400, { password: ['Not a valid string.'] }],
  ])('answers %s with its exact status and body', async (_case, body, status, expected) => {
    expect(await json(app.t, body)).toMatchObject({ status, body: expected });
  });

  it.each<[string, number[]]>([
    ['an overlong "/" (0xC0 0xAF)', [0xc0, 0xaf]],
    ['a UTF-8-encoded surrogate (0xED 0xA0 0x80)', [0xed, 0xa0, 0x80]],
    ['a truncated sequence at the end of a string (0xE2 0x82)', [0xe2, 0x82]],
    ['a code point above U+10FFFF (0xF4 0x90 0x80 0x80)', [0xf4, 0x90, 0x80, 0x80]],
  ])('refuses a JSON body with %s in the username: 400 parse error, no lossy decoding', async (_case, bytes) => {
    const body = Buffer.concat([Buffer.from('{"username": "ali'), Buffer.from(bytes), Buffer.from('ce", "password": "x"}')]);
    expect(await json(app.t, body)).toMatchObject({ status: 400, body: { detail: "JSON parse error - 'utf-8' codec can't decode the body" } });
  });

  it('reads a JSON body that starts with a UTF-8 byte-order mark as without it (RFC 8259 lets a parser ignore it)', async () => {
    const res = await json(app.t, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`{"username": "alice", "password": "wrong"}`)]));
    expect([res.status, res.body]).toEqual([401, BAD_CREDENTIALS]);
  });

  it.each<[string]>([['application/jsonp'], ['application/json-seq'], ['text/json'], ['application/vnd.api+json'], ['multipart/form-data; boundary=x'], ['application/xml'], ['*/*']])(
    'refuses the content type %s: 415 naming it',
    async (type) => {
      expect(await json(app.t, `{${ALICE}}`, type)).toMatchObject({ status: 415, body: unsupported(type) });
    },
  );

  it.each<[string, string, BufferEncoding]>([
    ['JSON in UTF-16LE, as its charset says', 'application/json; charset=utf-16le', 'utf16le'],
    ['JSON in Latin-1, as its charset says', 'application/json; charset=iso-8859-1', 'latin1'],
    ['JSON with a quoted charset in upper case', 'APPLICATION/JSON; CHARSET="UTF-8"', 'utf8'],
  ])('reads %s', async (_case, type, encoding) => {
    const res = await json(app.t, Buffer.from(`{${ALICE}}`, encoding), type);
    expect([res.status, Object.keys(res.body as object)]).toEqual([200, ['refresh', 'access']]);
  });

  it('refuses a body over BODY_LIMIT on a protected route, anonymous: 413 before anything reads it', async () => {
    const res = await post(app.t, '/api/me/', { 'Content-Type': 'application/json' }, `{"pad": "${'x'.repeat(1024 * 1024)}"}`);
    expect([res.status, res.body]).toEqual([413, TOO_LARGE]);
  });

  it('refuses a Content-Length of a terabyte without waiting for the body: 413', async () => {
    const res = await rawRequest(app.t, 'POST /api/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1099511627776\r\nConnection: close\r\n\r\n{}');
    expect([res.status, res.body]).toEqual([413, TOO_LARGE]);
  });
});

describe('security: HTTP parsing of the head', () => {
  const app = appWith();
  let access: string;

  beforeAll(async () => {
    access = (await login(app.t, 'alice')).access;
  });

  const get = (headers: string) => rawRequest(app.t, `GET /api/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`);

  it.each<[string, () => string]>([
    ['a valid one, then a garbage one', () => `Authorization: Bearer ${access}\r\nAuthorization: Bearer garbage\r\n`],
    ['a garbage one, then a valid one', () => `Authorization: Bearer garbage\r\nAuthorization: Bearer ${access}\r\n`],
    ['a valid one, then an empty one', () => `Authorization: Bearer ${access}\r\nAuthorization: \r\n`],
    ['three valid ones', () => `Authorization: Bearer ${access}\r\n`.repeat(3)],
  ])('answers two or more Authorization headers (%s) with bad_authorization_header', async (_case, headers) => {
    expect(await get(headers())).toMatchObject({ status: 401, body: BAD_HEADER });
  });

  it.each<[string, () => string, [number, unknown]]>([
    ['a vertical tab between Bearer and the token (a control character: the head is malformed)', () => `Bearer\x0b${access}`, [400, MALFORMED]],
    ['a form feed between Bearer and the token', () => `Bearer\x0c${access}`, [400, MALFORMED]],
    ['a Latin-1 no-break space byte (0xA0) after the token', () => `Bearer ${access}\xa0`, [401, BAD_HEADER]],
  ])('answers an Authorization header with %s', async (_case, value, [status, body]) => {
    const res = await rawRequest(app.t, Buffer.from(`GET /api/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${value()}\r\nConnection: close\r\n\r\n`, 'latin1'));
    expect(res).toMatchObject({ status, body });
  });

  it.each<[string, string, number, unknown]>([
    ['an Authorization header folded onto a second line (obs-fold)', `Authorization: Bearer\r\n ${'x'}\r\n`, 400, MALFORMED],
    ['both Content-Length and Transfer-Encoding (request smuggling)', 'Content-Length: 4\r\nTransfer-Encoding: chunked\r\n', 400, MALFORMED],
    ['two different Content-Lengths', 'Content-Length: 0\r\nContent-Length: 5\r\n', 400, MALFORMED],
    ['a space before the colon of a header name', 'Authorization : Bearer x\r\n', 400, MALFORMED],
    ['a header of 32 KB', `X-Pad: ${'a'.repeat(32 * 1024)}\r\n`, 431, HEADERS_TOO_LARGE],
    ['4,000 small headers', Array.from({ length: 4000 }, (_, i) => `X-H${i}: v\r\n`).join(''), 431, HEADERS_TOO_LARGE],
    ['an Authorization header of 20 KB', `Authorization: Bearer ${'a'.repeat(20 * 1024)}\r\n`, 431, HEADERS_TOO_LARGE],
  ])('answers %s with a 4xx in the contract shape', async (_case, headers, status, expected) => {
    expect(await get(headers)).toMatchObject({ status, body: expected });
  });

  it('answers a 20 KB path with 431 in the contract shape', async () => {
    const res = await rawRequest(app.t, `GET /api/${'a'.repeat(20 * 1024)}/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect([res.status, res.body]).toEqual([431, HEADERS_TOO_LARGE]);
  });
});
