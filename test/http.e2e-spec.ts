import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { dropDatabases } from './support/database.js';
import { createUser, login, startApp, type TestApp } from './support/test-app.js';
import { accessClaims, signed } from './support/tokens.js';

/**
 * The HTTP-level wire contract (docs/wire-contract.md): unknown paths, trailing slashes, wrong
 * methods, HEAD and OPTIONS, content types, oversized and malformed requests, the Authorization
 * header, and which answers carry WWW-Authenticate. Requests go through node:http (never follows
 * a redirect, adds no content type) or raw over node:net where the bytes themselves matter.
 */

const REALM = 'Bearer realm="api"';
const JSON_CONTENT_TYPE = /^application\/json(\s*;\s*charset=utf-8)?$/i;

const NOT_FOUND = { detail: 'Not found.' };
const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };
const NO_ACCOUNT = { detail: 'No active account found with the given credentials' };
const BAD_HEADER = {
  detail: 'Authorization header must contain two space-delimited values',
  code: 'bad_authorization_header',
};
const INVALID_BEARER = {
  detail: 'Given token not valid for any token type',
  code: 'token_not_valid',
  messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid' }],
};
const REQUIRED = { username: ['This field is required.'], password: ['This field is required.'] };
const TOO_LARGE = { detail: 'Request body is too large.' };
const HEADERS_TOO_LARGE = { detail: 'Request header fields are too large.' };
const PARSE_ERROR = { detail: expect.stringMatching(/^JSON parse error - /) };
const notAllowed = (method: string) => ({ detail: `Method "${method}" not allowed.` });
const unsupported = (type: string) => ({ detail: `Unsupported media type "${type}" in request.` });

const POST_ALLOW = 'POST, OPTIONS';
const GET_ALLOW = 'GET, HEAD, OPTIONS';
const TOKEN_ROUTES = ['/api/token/', '/api/token/refresh/', '/api/token/verify/', '/api/token/blacklist/'];
const BODY_LIMIT = 1024 * 1024;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or the text when it is not JSON. */
  body: unknown;
}

function answer(status: number, headers: Answer['headers'], text: string): Answer {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the assertions on body and content-type say so
  }
  return { status, headers, text, body };
}

/** Status, body and headers as the contract wants them for any answer with a body. */
function expectAnswer(res: Answer, status: number, body: unknown): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body });
  expect(res.headers['content-type']).toMatch(JSON_CONTENT_TYPE);
  expectRealmOnlyOn401(res);
}

function expectRealmOnlyOn401(res: Answer): void {
  if (res.status === 401) expect(res.headers['www-authenticate']).toBe(REALM);
  else expect(res.headers['www-authenticate']).toBeUndefined();
}

function expectNoRedirect(res: Answer): void {
  expect(res.status < 300 || res.status >= 400).toBe(true);
  expect(res.headers.location).toBeUndefined();
}

describe('the HTTP contract', () => {
  let t: TestApp;
  let port: number;
  let aliceId: number;
  let access: string;
  /** Well-formed, but signed with another key: "Token is invalid". */
  let forged: string;

  beforeAll(async () => {
    t = await startApp();
    port = Number(new URL(t.url).port);
    aliceId = (await createUser(t, { username: 'alice' })).id;
    ({ access } = await login(t, 'alice'));
    forged = signed(accessClaims(aliceId), 'another-signing-key-0123456789abcdefghijklmnopqrstuvwxyz');
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  /** One request through node:http: exactly the headers given (plus Host and Connection). */
  function send(
    method: string,
    path: string,
    options: { headers?: http.OutgoingHttpHeaders; body?: string | Buffer; chunks?: Buffer[] } = {},
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      let settled = false;
      // An explicit Content-Length: node:http sends a GET or DELETE body unframed otherwise.
      const length = options.body === undefined ? {} : { 'Content-Length': Buffer.byteLength(options.body) };
      const headers = { ...length, ...options.headers };
      const request = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
        const parts: Buffer[] = [];
        const done = () => {
          if (settled) return;
          settled = true;
          resolve(answer(res.statusCode!, res.headers, Buffer.concat(parts).toString('utf8')));
        };
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', done);
        res.on('close', done);
      });
      request.on('error', (error) => {
        if (!settled) {
          settled = true;
          reject(error);
        }
      });
      if (options.chunks) {
        for (const chunk of options.chunks) request.write(chunk);
        request.end();
      } else {
        request.end(options.body);
      }
    });
  }

  const postJson = (path: string, body: unknown, headers: http.OutgoingHttpHeaders = {}) =>
    send('POST', path, {
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const obtain = (body: string | Buffer, contentType: string) =>
    send('POST', '/api/token/', { headers: { 'Content-Type': contentType }, body });

  const ALICE = JSON.stringify({ username: 'alice', password: 'correct horse' });

  /** Raw bytes over TCP; the connection must end after one answer (send Connection: close). */
  function raw(bytes: string | Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      const parts: Buffer[] = [];
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('no answer within 5 s'));
      }, 5000);
      socket.on('data', (chunk: Buffer) => parts.push(chunk));
      socket.on('error', () => undefined); // a reset after the answer is fine; no answer fails below
      socket.on('close', () => {
        clearTimeout(timer);
        const data = Buffer.concat(parts);
        if (data.length === 0) reject(new Error('the connection closed without an answer'));
        else resolve(parseRaw(data));
      });
      socket.write(bytes);
    });
  }

  function parseRaw(data: Buffer): Answer {
    const end = data.indexOf('\r\n\r\n');
    const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let body = data.subarray(end + 4);
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const out: Buffer[] = [];
      for (let at = 0; ; ) {
        const lineEnd = body.indexOf('\r\n', at);
        const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
        if (!size) break;
        out.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(out);
    } else if (headers['content-length'] !== undefined) {
      body = body.subarray(0, Number(headers['content-length']));
    }
    return answer(Number(statusLine.split(' ')[1]), headers, body.toString('utf8'));
  }

  describe('unknown paths', () => {
    it.each([
      ['GET', '/'],
      ['GET', '/nope'],
      ['GET', '/api/'],
      ['GET', '/api/nope/'],
      ['POST', '/api/nope/'],
      ['GET', '/api/token/nope/'],
      ['POST', '/api/token/nope/'],
      ['POST', '/api/token/nope'],
      ['POST', '/api/token/refresh/extra/'],
      ['POST', '/API/TOKEN/'],
      ['GET', '/api/token//'],
      ['DELETE', '/api/me/1/'],
      ['PUT', '/nope/'],
      ['OPTIONS', '/nope/'],
    ])('%s %s is a 404 "Not found."', async (method, path) => {
      expectAnswer(await send(method, path), 404, NOT_FOUND);
    });

    it('HEAD to an unknown path is a 404 without a body', async () => {
      const res = await send('HEAD', '/api/nope/');
      expect(res.status).toBe(404);
      expect(res.text).toBe('');
      expect(res.headers['www-authenticate']).toBeUndefined();
    });

    it('an unknown path is a 404 whatever the request carries: an invalid token, an odd body', async () => {
      expectAnswer(await send('GET', '/api/nope/', { headers: { Authorization: `Bearer ${forged}` } }), 404, NOT_FOUND);
      expectAnswer(await send('GET', '/api/nope/', { headers: { Authorization: 'Bearer' } }), 404, NOT_FOUND);
      expectAnswer(
        await send('POST', '/api/token/nope/', { headers: { 'Content-Type': 'text/plain' }, body: 'hello' }),
        404,
        NOT_FOUND,
      );
      expectAnswer(await postJson('/api/nope/', '{"broken'), 404, NOT_FOUND);
    });
  });

  describe('trailing slash: every route answers with and without it, never a redirect', () => {
    it.each(['/api/token/', '/api/token'])('POST %s logs in', async (path) => {
      const res = await postJson(path, { username: 'alice', password: 'correct horse' });
      expectNoRedirect(res);
      expectAnswer(res, 200, { refresh: expect.any(String), access: expect.any(String) });
    });

    it.each(['/api/token/refresh/', '/api/token/refresh'])('POST %s refreshes', async (path) => {
      const { refresh } = await login(t, 'alice');
      const res = await postJson(path, { refresh });
      expectNoRedirect(res);
      expectAnswer(res, 200, { access: expect.any(String), refresh: expect.any(String) });
    });

    it.each(['/api/token/verify/', '/api/token/verify'])('POST %s verifies', async (path) => {
      const res = await postJson(path, { token: access });
      expectNoRedirect(res);
      expectAnswer(res, 200, {});
    });

    it.each(['/api/token/blacklist/', '/api/token/blacklist'])('POST %s blacklists', async (path) => {
      const { refresh } = await login(t, 'alice');
      const res = await postJson(path, { refresh });
      expectNoRedirect(res);
      expectAnswer(res, 200, {});
    });

    it.each(['/api/me/', '/api/me'])('GET %s answers the user', async (path) => {
      const res = await send('GET', path, { headers: { Authorization: `Bearer ${access}` } });
      expectNoRedirect(res);
      expectAnswer(res, 200, expect.objectContaining({ id: aliceId, username: 'alice' }));
    });

    it.each(['/api/health/', '/api/health'])('GET %s answers the health', async (path) => {
      const res = await send('GET', path);
      expectNoRedirect(res);
      expectAnswer(res, 200, expect.objectContaining({ status: 'ok' }));
    });

    it.each([
      ['/api/token', 'POST'],
      ['/api/token/refresh', 'POST'],
      ['/api/token/verify', 'POST'],
      ['/api/token/blacklist', 'POST'],
      ['/api/health', 'GET'],
    ])('without the slash, %s answers a wrong method and OPTIONS as with it', async (path, served) => {
      const wrong = served === 'GET' ? 'DELETE' : 'GET';
      const res = await send(wrong, path);
      expectNoRedirect(res);
      expectAnswer(res, 405, notAllowed(wrong));
      expect(res.headers.allow).toBe(served === 'GET' ? GET_ALLOW : POST_ALLOW);
      const options = await send('OPTIONS', path);
      expectNoRedirect(options);
      expect(options.status).toBe(200);
      expect(options.headers.allow).toBe(served === 'GET' ? GET_ALLOW : POST_ALLOW);
    });

    it('without the slash, /api/me keeps authentication before the method check', async () => {
      expectAnswer(await send('POST', '/api/me'), 401, NOT_PROVIDED);
      const res = await send('POST', '/api/me', { headers: { Authorization: `Bearer ${access}` } });
      expectAnswer(res, 405, notAllowed('POST'));
      expect(res.headers.allow).toBe(GET_ALLOW);
    });
  });

  describe('wrong method', () => {
    it('GET /api/token/ is the contract example: 405 with Allow: POST, OPTIONS', async () => {
      const res = await send('GET', '/api/token/');
      expectAnswer(res, 405, { detail: 'Method "GET" not allowed.' });
      expect(res.headers.allow).toBe('POST, OPTIONS');
    });

    it.each(TOKEN_ROUTES.flatMap((path) => ['GET', 'PUT', 'PATCH', 'DELETE'].map((method) => [method, path])))(
      '%s %s is a 405 with Allow: POST, OPTIONS',
      async (method, path) => {
        const res = await send(method, path, { headers: { 'Content-Type': 'application/json' }, body: '{}' });
        expectAnswer(res, 405, notAllowed(method));
        expect(res.headers.allow).toBe(POST_ALLOW);
      },
    );

    it.each(TOKEN_ROUTES)('TRACE %s is a 405 too (DRF answers every method of http_method_names)', async (path) => {
      const res = await send('TRACE', path);
      expectAnswer(res, 405, notAllowed('TRACE'));
      expect(res.headers.allow).toBe(POST_ALLOW);
    });

    it.each(TOKEN_ROUTES)('HEAD %s is a 405 with Allow and no body (the route has no GET)', async (path) => {
      const res = await send('HEAD', path);
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe(POST_ALLOW);
      expect(res.text).toBe('');
      expect(res.headers['www-authenticate']).toBeUndefined();
    });

    it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s /api/health/ is a 405 with Allow: GET, HEAD, OPTIONS', async (method) => {
      const res = await send(method, '/api/health/');
      expectAnswer(res, 405, notAllowed(method));
      expect(res.headers.allow).toBe(GET_ALLOW);
    });

    it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('anonymous %s /api/me/ is a 401, not a 405', async (method) => {
      const res = await send(method, '/api/me/');
      expectAnswer(res, 401, NOT_PROVIDED);
      expect(res.headers.allow).toBeUndefined();
    });

    it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s /api/me/ with a valid access token is a 405', async (method) => {
      const res = await send(method, '/api/me/', { headers: { Authorization: `Bearer ${access}` } });
      expectAnswer(res, 405, notAllowed(method));
      expect(res.headers.allow).toBe(GET_ALLOW);
    });

    it.each(['POST', 'DELETE'])('%s /api/me/ with an invalid token is a 401 token_not_valid', async (method) => {
      expectAnswer(await send(method, '/api/me/', { headers: { Authorization: `Bearer ${forged}` } }), 401, INVALID_BEARER);
      expectAnswer(await send(method, '/api/me/', { headers: { Authorization: 'Bearer garbage' } }), 401, INVALID_BEARER);
    });

    it.each([
      ['POST', '/api/health/'],
      ['DELETE', '/api/health/'],
    ])('on a public route, %s %s with an invalid bearer token is a 401 (authentication first)', async (method, path) => {
      const res = await send(method, path, { headers: { Authorization: `Bearer ${forged}` } });
      expectAnswer(res, 401, INVALID_BEARER);
      expect(res.headers.allow).toBeUndefined();
    });

    it('on a public route, a wrong method with a malformed Authorization header is a 401 bad_authorization_header', async () => {
      expectAnswer(await send('POST', '/api/health/', { headers: { Authorization: 'Bearer a b' } }), 401, BAD_HEADER);
    });

    it.each([
      ['GET', '/api/token/'],
      ['DELETE', '/api/token/refresh/'],
      ['PUT', '/api/token/verify/'],
    ])("%s %s ignores any Authorization header, as SimpleJWT's token views do: 405", async (method, path) => {
      for (const authorization of [`Bearer ${forged}`, 'Bearer a b']) {
        const res = await send(method, path, { headers: { Authorization: authorization } });
        expectAnswer(res, 405, notAllowed(method));
        expect(res.headers.allow).toBe('POST, OPTIONS');
      }
    });
  });

  describe('HEAD is answered like GET', () => {
    it.each(['/api/health/', '/api/health'])('HEAD %s: the status and content type of GET, no body', async (path) => {
      const get = await send('GET', path);
      const head = await send('HEAD', path);
      expect(get.status).toBe(200);
      expect(head.status).toBe(get.status);
      expect(head.headers['content-type']).toBe(get.headers['content-type']);
      expect(head.text).toBe('');
      expect(head.headers['www-authenticate']).toBeUndefined();
    });

    it('HEAD /api/me/ anonymous is a 401 with WWW-Authenticate and no body', async () => {
      const res = await send('HEAD', '/api/me/');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe(REALM);
      expect(res.text).toBe('');
    });

    it('HEAD /api/me/ with an invalid token is a 401 with WWW-Authenticate', async () => {
      const res = await send('HEAD', '/api/me/', { headers: { Authorization: `Bearer ${forged}` } });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe(REALM);
      expect(res.text).toBe('');
    });

    it('HEAD /api/me/ with a valid access token is a 200 with no body', async () => {
      const get = await send('GET', '/api/me/', { headers: { Authorization: `Bearer ${access}` } });
      const head = await send('HEAD', '/api/me/', { headers: { Authorization: `Bearer ${access}` } });
      expect(head.status).toBe(200);
      expect(head.headers['content-type']).toBe(get.headers['content-type']);
      expect(head.text).toBe('');
    });
  });

  describe('OPTIONS', () => {
    const expectMetadata = (res: Answer, allow: string, mayHaveActions: boolean) => {
      expect(res.status).toBe(200);
      expect(res.headers.allow).toBe(allow);
      expect(res.headers['content-type']).toMatch(JSON_CONTENT_TYPE);
      expectRealmOnlyOn401(res);
      const metadata = res.body as Record<string, unknown>;
      // DRF's SimpleMetadata; a GenericAPIView with a serializer may add "actions".
      const keys = Object.keys(metadata).filter((key) => !(mayHaveActions && key === 'actions'));
      expect(keys).toEqual(['name', 'description', 'renders', 'parses']);
      expect(metadata.name).toEqual(expect.stringMatching(/\S/));
      expect(typeof metadata.description).toBe('string');
      expect(metadata.renders).toEqual(['application/json']);
      expect(metadata.parses).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    };

    it.each(TOKEN_ROUTES)('OPTIONS %s is a 200 describing the route, with Allow: POST, OPTIONS', async (path) => {
      expectMetadata(await send('OPTIONS', path), POST_ALLOW, true);
    });

    it('OPTIONS /api/health/ is a 200 with Allow: GET, HEAD, OPTIONS', async () => {
      expectMetadata(await send('OPTIONS', '/api/health/'), GET_ALLOW, false);
    });

    it.each(['/api/me/', '/api/me'])('OPTIONS %s with a valid access token is a 200 with Allow: GET, HEAD, OPTIONS', async (path) => {
      expectMetadata(await send('OPTIONS', path, { headers: { Authorization: `Bearer ${access}` } }), GET_ALLOW, false);
    });

    it('OPTIONS /api/me/ anonymous is a 401', async () => {
      const res = await send('OPTIONS', '/api/me/');
      expectAnswer(res, 401, NOT_PROVIDED);
      expect(res.headers.allow).toBeUndefined();
    });

    it('OPTIONS on a public route with an invalid token is a 401', async () => {
      expectAnswer(await send('OPTIONS', '/api/health/', { headers: { Authorization: `Bearer ${forged}` } }), 401, INVALID_BEARER);
    });

    it('OPTIONS on a token route ignores the Authorization header: 200', async () => {
      const res = await send('OPTIONS', '/api/token/', { headers: { Authorization: `Bearer ${forged}` } });
      expect(res.status).toBe(200);
      expect(res.headers.allow).toBe('POST, OPTIONS');
    });
  });

  describe('content types on POST /api/token/', () => {
    it.each([
      'application/json',
      'APPLICATION/JSON',
      'application/json;charset=utf-8',
      'application/json; charset="UTF-8"',
      'application/json ; charset=utf-8',
    ])('accepts %s', async (type) => {
      expectAnswer(await obtain(ALICE, type), 200, { refresh: expect.any(String), access: expect.any(String) });
    });

    it.each(['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=UTF-8'])(
      'accepts a form as %s',
      async (type) => {
        const res = await obtain('username=alice&password=correct+horse', type);
        expectAnswer(res, 200, { refresh: expect.any(String), access: expect.any(String) });
      },
    );

    it.each([
      ['text/plain', ALICE],
      ['application/xml', '<login><username>alice</username></login>'],
      ['Text/Plain; charset=utf-8', ALICE],
      ['application/jsonp', ALICE],
      ['application/vnd.api+json', ALICE],
      [
        'multipart/form-data; boundary=XyZ',
        '--XyZ\r\nContent-Disposition: form-data; name="username"\r\n\r\nalice\r\n' +
          '--XyZ\r\nContent-Disposition: form-data; name="password"\r\n\r\ncorrect horse\r\n--XyZ--\r\n',
      ],
      ['multipart/form-data', 'x'],
    ])('refuses %s with 415, quoting the header as sent', async (type, body) => {
      expectAnswer(await obtain(body, type), 415, unsupported(type));
    });

    it.each(['garbage', 'json', 'application/'])(
      'refuses the malformed media type %s with 415, quoting it as DRF does',
      async (type) => {
        expectAnswer(await obtain(ALICE, type), 415, unsupported(type));
      },
    );

    it('refuses a body with an empty Content-Type header with 415 and empty quotes', async () => {
      const res = await raw(
        `POST /api/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \r\nContent-Length: ${ALICE.length}\r\n` +
          `Connection: close\r\n\r\n${ALICE}`,
      );
      expectAnswer(res, 415, unsupported(''));
    });

    it('refuses a body sent without any content type with 415 and empty quotes', async () => {
      const res = await send('POST', '/api/token/', { body: ALICE });
      expectAnswer(res, 415, unsupported(''));
    });

    it('reads an empty body without a content type as {}', async () => {
      const res = await send('POST', '/api/token/', { headers: { 'Content-Length': '0' } });
      expectAnswer(res, 400, REQUIRED);
    });

    it.each(['text/plain', 'application/xml'])('reads an empty body with %s as {}', async (type) => {
      const res = await send('POST', '/api/token/', { headers: { 'Content-Type': type, 'Content-Length': '0' } });
      expectAnswer(res, 400, REQUIRED);
    });

    it.each([
      ['a truncated object', '{"username": '],
      ['a trailing comma', '{"username": "alice", "password": "correct horse",}'],
      ['single quotes', "{'username': 'alice'}"],
      ['NaN', '{"username": NaN, "password": "x"}'],
      ['two documents', '{} {}'],
    ])('answers malformed JSON (%s) with 400 "JSON parse error - ..."', async (_case, body) => {
      expectAnswer(await obtain(body, 'application/json'), 400, PARSE_ERROR);
    });

    it('answers invalid UTF-8 in a JSON body with a 400 parse error', async () => {
      const body = Buffer.concat([Buffer.from('{"username": "al'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('ice", "password": "x"}')]);
      expectAnswer(await obtain(body, 'application/json'), 400, PARSE_ERROR);
    });

    it('answers an unknown charset with a 400 parse error', async () => {
      expectAnswer(await obtain(ALICE, 'application/json; charset=klingon'), 400, PARSE_ERROR);
    });
  });

  describe('order of checks: authentication, then the method, then the body (parsed lazily)', () => {
    it('an anonymous POST with text/plain to /api/me/ is a 401, not a 415', async () => {
      const res = await send('POST', '/api/me/', { headers: { 'Content-Type': 'text/plain' }, body: 'hello' });
      expectAnswer(res, 401, NOT_PROVIDED);
    });

    it('an anonymous POST with a malformed media type to /api/me/ is a 401, not a 415', async () => {
      const res = await send('POST', '/api/me/', { headers: { 'Content-Type': 'garbage' }, body: 'hello' });
      expectAnswer(res, 401, NOT_PROVIDED);
    });

    it('an anonymous POST of malformed JSON to /api/me/ is a 401, not a 400', async () => {
      expectAnswer(await postJson('/api/me/', '{"broken'), 401, NOT_PROVIDED);
    });

    it('an authenticated POST with text/plain to /api/me/ is a 405, not a 415', async () => {
      const res = await send('POST', '/api/me/', {
        headers: { 'Content-Type': 'text/plain', Authorization: `Bearer ${access}` },
        body: 'hello',
      });
      expectAnswer(res, 405, notAllowed('POST'));
      expect(res.headers.allow).toBe(GET_ALLOW);
    });

    it('GET /api/me/ never reads its body: an unsupported or malformed one is ignored', async () => {
      const plain = await send('GET', '/api/me/', {
        headers: { 'Content-Type': 'text/plain', Authorization: `Bearer ${access}` },
        body: 'hello',
      });
      expectAnswer(plain, 200, expect.objectContaining({ id: aliceId, username: 'alice' }));
      const broken = await send('GET', '/api/me/', {
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${access}` },
        body: '{"broken',
      });
      expectAnswer(broken, 200, expect.objectContaining({ id: aliceId, username: 'alice' }));
    });

    it('PUT /api/token/ with text/plain is a 405, not a 415', async () => {
      const res = await send('PUT', '/api/token/', { headers: { 'Content-Type': 'text/plain' }, body: 'hello' });
      expectAnswer(res, 405, notAllowed('PUT'));
    });

    it('POST /api/token/ with an invalid bearer token reads the body as if no token were sent', async () => {
      const auth = { Authorization: `Bearer ${forged}` };
      expect((await postJson('/api/token/', { username: 'alice', password: 'correct horse' }, auth)).status).toBe(200);
      expectAnswer(
        await send('POST', '/api/token/', { headers: { 'Content-Type': 'text/plain', ...auth }, body: 'x' }),
        415,
        { detail: 'Unsupported media type "text/plain" in request.' },
      );
      expect((await postJson('/api/token/', '{"broken', auth)).status).toBe(400);
    });

    it('a public GET with an invalid bearer token is a 401; another scheme is just no credentials', async () => {
      expectAnswer(await send('GET', '/api/health/', { headers: { Authorization: `Bearer ${forged}` } }), 401, INVALID_BEARER);
      expectAnswer(await send('GET', '/api/health/', { headers: { Authorization: 'Basic YWxpY2U6eA==' } }), 200, expect.objectContaining({ status: 'ok' }));
    });
  });

  describe('oversized and malformed requests: a 4xx, never a 5xx, never a hang', () => {
    const padded = (size: number) => {
      const head = '{"username": "alice", "password": "wrong", "pad": "';
      const tail = '"}';
      return head + 'x'.repeat(size - head.length - tail.length) + tail;
    };

    it('a JSON body over the 1 MB default BODY_LIMIT is a 413', async () => {
      const body = padded(BODY_LIMIT + 1);
      expect(Buffer.byteLength(body)).toBe(BODY_LIMIT + 1);
      expectAnswer(await obtain(body, 'application/json'), 413, TOO_LARGE);
    });

    it('a chunked JSON body over the limit (no Content-Length) is a 413', async () => {
      const body = Buffer.from(padded(BODY_LIMIT + 64 * 1024));
      const chunks = Array.from({ length: Math.ceil(body.length / 65536) }, (_, i) => body.subarray(i * 65536, (i + 1) * 65536));
      const res = await send('POST', '/api/token/', { headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, chunks });
      expectAnswer(res, 413, TOO_LARGE);
    });

    it('a JSON body just under the limit is read', async () => {
      expectAnswer(await obtain(padded(BODY_LIMIT - 1024), 'application/json'), 401, NO_ACCOUNT);
    });

    it('request headers over 16 KB are a 431 with a JSON body', async () => {
      const res = await raw(
        `GET /api/health/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Huge: ${'a'.repeat(20 * 1024)}\r\nConnection: close\r\n\r\n`,
      );
      expectAnswer(res, 431, HEADERS_TOO_LARGE);
    });

    it('an 8 KB header is fine', async () => {
      const res = await raw(`GET /api/health/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(8 * 1024)}\r\nConnection: close\r\n\r\n`);
      expectAnswer(res, 200, expect.objectContaining({ status: 'ok' }));
    });

    it.each([
      ['a garbage request line', 'THIS IS NOT HTTP\r\n\r\n'],
      ['binary noise', Buffer.from([0x00, 0x01, 0x02, 0xff, 0x0d, 0x0a, 0x0d, 0x0a])],
      ['an unknown HTTP version', 'GET /api/health/ HTTP/9.9\r\nHost: x\r\n\r\n'],
      ['a header line without a colon', 'GET /api/health/ HTTP/1.1\r\nHost: x\r\nNot a header\r\n\r\n'],
    ])('%s is a 400 with a JSON body', async (_case, bytes) => {
      expectAnswer(await raw(bytes), 400, { detail: expect.any(String) });
    });

    it.each(['/api/%E0%A4%A/', '/api/token/%E0%A4%A/', '/api/me/%ZZ', '/%'])(
      'the malformed URL %s is a 4xx with a DRF-shaped body',
      async (path) => {
        for (const method of ['GET', 'POST']) {
          const res = await send(method, path);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(res.body).toEqual({ detail: expect.any(String) });
          expect(res.headers['content-type']).toMatch(JSON_CONTENT_TYPE);
          expectRealmOnlyOn401(res);
        }
      },
    );

    it('the server still answers after all that', async () => {
      expectAnswer(await send('GET', '/api/health/'), 200, expect.objectContaining({ status: 'ok' }));
    });
  });

  describe('garbage bodies: a 400 or 401 within 2 s', () => {
    /** Deterministic noise, starting with a byte that is never valid UTF-8. */
    const noise = (length: number) => {
      const bytes = Buffer.alloc(length);
      let seed = 0x2545f491;
      for (let i = 0; i < length; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        bytes[i] = seed >>> 24;
      }
      bytes[0] = 0xff;
      return bytes;
    };
    const deep = (depth: number, inner: string) => '['.repeat(depth) + inner + ']'.repeat(depth);
    const deepObject = (depth: number) => '{"a": '.repeat(depth) + '1' + '}'.repeat(depth);

    it.each<[string, string | Buffer, string, number[], unknown]>([
      ['random bytes', noise(4096), 'application/json', [400], PARSE_ERROR],
      ['10,000 unclosed [', '['.repeat(10_000), 'application/json', [400], PARSE_ERROR],
      ['a list nested 10,000 deep', deep(10_000, ''), 'application/json', [400], { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] }],
      ['an object nested 10,000 deep', deepObject(10_000), 'application/json', [400], REQUIRED],
      ['a username nested 10,000 deep', `{"username": ${deep(10_000, '"alice"')}, "password": "x"}`, 'application/json', [400], { username: ['Not a valid string.'] }],
      ['a 100 KB username', JSON.stringify({ username: 'u'.repeat(100 * 1024), password: 'x' }), 'application/json', [401], NO_ACCOUNT],
      ['a 100 KB password', JSON.stringify({ username: 'alice', password: 'p'.repeat(100 * 1024) }), 'application/json', [401], NO_ACCOUNT],
      ['a CJK username', JSON.stringify({ username: '用户名', password: 'x' }), 'application/json', [401], NO_ACCOUNT],
      ['an emoji username', JSON.stringify({ username: '🦄👩‍👩‍👧', password: 'x' }), 'application/json', [401], NO_ACCOUNT],
      ['a right-to-left username', JSON.stringify({ username: '\u202eecila', password: 'x' }), 'application/json', [401], NO_ACCOUNT],
      ['a combining-mark username', JSON.stringify({ username: 'a\u0301lice', password: 'x' }), 'application/json', [401], NO_ACCOUNT],
      ['a lone surrogate', '{"username": "\\ud800", "password": "x"}', 'application/json', [400, 401], expect.any(Object)],
      ['a NUL byte in the username', '{"username": "al\\u0000ice", "password": "x"}', 'application/json', [400, 401], expect.any(Object)],
      ['a NUL byte in the password', '{"username": "alice", "password": "x\\u0000"}', 'application/json', [400, 401], expect.any(Object)],
      ['a NUL byte in a form', 'username=al%00ice&password=x', 'application/x-www-form-urlencoded', [400, 401], expect.any(Object)],
      ['a NUL byte in a refresh token', '{"refresh": "abc\\u0000def"}', 'application/json', [400, 401], expect.any(Object)],
      ['1e400', '{"username": 1e400, "password": "x"}', 'application/json', [400, 401], expect.any(Object)],
      ['-1e400', '{"username": "alice", "password": -1e400}', 'application/json', [400, 401], expect.any(Object)],
      ['{"username": 1.5}', '{"username": 1.5, "password": "x"}', 'application/json', [401], NO_ACCOUNT],
      ['a 30-digit integer', '{"username": 123456789012345678901234567890, "password": "x"}', 'application/json', [401], NO_ACCOUNT],
      ['an operator object as password', '{"username": "alice", "password": {"$ne": null}}', 'application/json', [400], { password: ['Not a valid string.'] }],
      ['SQL in the username', JSON.stringify({ username: "' OR 1=1 --", password: 'x' }), 'application/json', [401], NO_ACCOUNT],
      ['a bad percent-escape in a form', 'username=%ZZ&password=%', 'application/x-www-form-urlencoded', [401], NO_ACCOUNT],
      ['true', 'true', 'application/json', [400], { non_field_errors: ['Invalid data. Expected a dictionary, but got bool.'] }],
    ])('%s', async (name, body, type, statuses, expected) => {
      const path = name.includes('refresh token') ? '/api/token/refresh/' : '/api/token/';
      const started = performance.now();
      const res = await send('POST', path, { headers: { 'Content-Type': type }, body });
      const elapsed = performance.now() - started;
      expect(statuses.includes(res.status) ? 'a 4xx as expected' : `${res.status} ${res.text}`).toBe('a 4xx as expected');
      expect(res.body).toEqual(expected);
      expect(res.headers['content-type']).toMatch(JSON_CONTENT_TYPE);
      expectRealmOnlyOn401(res);
      expect(elapsed).toBeLessThan(2000);
    });

    it('a unicode username that exists logs in', async () => {
      await createUser(t, { username: 'Zoë_用户' });
      const res = await postJson('/api/token/', { username: 'Zoë_用户', password: 'correct horse' });
      expectAnswer(res, 200, { refresh: expect.any(String), access: expect.any(String) });
    });

    // Where the contract is silent, SimpleJWT 5.5 answers: DRF's CharField carries
    // ProhibitNullCharactersValidator and ProhibitSurrogateCharactersValidator on every field.
    it.each([
      ['a NUL in the username', '/api/token/', '{"username": "al\\u0000ice", "password": "x"}', { username: ['Null characters are not allowed.'] }],
      ['a NUL in the password', '/api/token/', '{"username": "alice", "password": "x\\u0000"}', { password: ['Null characters are not allowed.'] }],
      ['a NUL in a form username', '/api/token/', 'username=al%00ice&password=x', { username: ['Null characters are not allowed.'] }],
      ['a NUL in the refresh token', '/api/token/refresh/', '{"refresh": "abc\\u0000def"}', { refresh: ['Null characters are not allowed.'] }],
      ['a lone surrogate in the username', '/api/token/', '{"username": "\\ud800", "password": "x"}', { username: ['Surrogate characters are not allowed: U+D800.'] }],
    ])('%s is DRF\'s 400 field error', async (_case, path, body, errors) => {
      const type = body.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded';
      expectAnswer(await send('POST', path, { headers: { 'Content-Type': type }, body }), 400, errors);
    });
  });

  describe('the Authorization header on GET /api/me/', () => {
    const me = (authorization: string) => send('GET', '/api/me/', { headers: { Authorization: authorization } });

    it.each([
      ['Bearer <t>', (a: string) => `Bearer ${a}`],
      ['two spaces', (a: string) => `Bearer  ${a}`],
      ['a tab', (a: string) => `Bearer\t${a}`],
      ['leading and trailing whitespace', (a: string) => `  Bearer ${a} \t`],
    ])('accepts %s', async (_case, header) => {
      expectAnswer(await me(header(access)), 200, expect.objectContaining({ id: aliceId, username: 'alice' }));
    });

    it.each([
      ['a lowercase scheme', (a: string) => `bearer ${a}`],
      ['an uppercase scheme', (a: string) => `BEARER ${a}`],
      ['another scheme', () => 'Basic abc'],
      ['another scheme with a JWT', (a: string) => `JWT ${a}`],
      ['an empty header', () => ''],
    ])('treats %s as no credentials', async (_case, header) => {
      expectAnswer(await me(header(access)), 401, NOT_PROVIDED);
    });

    it.each([
      ['a lone Bearer', () => 'Bearer'],
      ['a lone Bearer with trailing spaces', () => 'Bearer   '],
      ['three parts', () => 'Bearer a b'],
      ['a valid token and more', (a: string) => `Bearer ${a} extra`],
    ])('answers %s with bad_authorization_header', async (_case, header) => {
      expectAnswer(await me(header(access)), 401, BAD_HEADER);
    });

    it('answers an invalid token with token_not_valid', async () => {
      expectAnswer(await me('Bearer garbage'), 401, INVALID_BEARER);
      expectAnswer(await me(`Bearer ${forged}`), 401, INVALID_BEARER);
    });

    it('answers two Authorization headers in one request with bad_authorization_header', async () => {
      const res = await raw(
        `GET /api/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${access}\r\n` +
          `Authorization: Bearer ${access}\r\nConnection: close\r\n\r\n`,
      );
      expectAnswer(res, 401, BAD_HEADER);
    });

    it('answers two Authorization headers with different casing of the name with bad_authorization_header', async () => {
      const res = await raw(
        `GET /api/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\nauthorization: Bearer ${access}\r\n` +
          `AUTHORIZATION: Basic abc\r\nConnection: close\r\n\r\n`,
      );
      expectAnswer(res, 401, BAD_HEADER);
    });
  });

  describe('WWW-Authenticate and content type', () => {
    it('is on every 401 and on nothing else; every body is JSON', async () => {
      const auth = { Authorization: `Bearer ${access}` };
      const cases: [Answer, number][] = [
        [await send('GET', '/api/health/'), 200],
        [await send('GET', '/api/me/', { headers: auth }), 200],
        [await send('OPTIONS', '/api/token/'), 200],
        [await postJson('/api/token/', {}), 400],
        [await postJson('/api/token/', '{"broken'), 400],
        [await send('GET', '/api/nope/'), 404],
        [await send('GET', '/api/token/'), 405],
        [await send('DELETE', '/api/me/', { headers: auth }), 405],
        [await obtain(padded413(), 'application/json'), 413],
        [await obtain(ALICE, 'text/plain'), 415],
        [await postJson('/api/token/', { username: 'alice', password: 'wrong' }), 401],
        [await send('GET', '/api/me/'), 401],
        [await send('GET', '/api/me/', { headers: { Authorization: 'Bearer' } }), 401],
        [await send('GET', '/api/me/', { headers: { Authorization: `Bearer ${forged}` } }), 401],
        [await postJson('/api/token/refresh/', { refresh: 'garbage' }), 401],
        [await postJson('/api/token/verify/', { token: 'garbage' }), 401],
      ];
      for (const [res, status] of cases) {
        expect(res.status).toBe(status);
        expect(res.headers['content-type']).toMatch(JSON_CONTENT_TYPE);
        expect(typeof res.body).toBe('object');
        expect({ status, wwwAuthenticate: res.headers['www-authenticate'] }).toEqual({
          status,
          wwwAuthenticate: status === 401 ? REALM : undefined,
        });
      }
    });

    const padded413 = () => JSON.stringify({ username: 'alice', password: 'x', pad: 'x'.repeat(BODY_LIMIT) });
  });
});
