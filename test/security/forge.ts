import { constants, createHmac, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, expect } from '@jest/globals';
import { createUser, SIGNING_KEY, startApp, type TestApp } from '../support/test-app.js';

/** The exact bodies the strict checks answer. */
export const INVALID = { detail: 'Token is invalid', code: 'token_not_valid' };
export const BAD_HEADER = { detail: 'Authorization header must contain two space-delimited values', code: 'bad_authorization_header' };

/** The 401 of a protected route for a bearer token the AccessToken class refuses with `message`. */
export function bearerRefusal(message = 'Token is invalid') {
  return {
    detail: 'Given token not valid for any token type',
    code: 'token_not_valid',
    messages: [{ token_class: 'AccessToken', token_type: 'access', message }],
  };
}

/** A segment: JSON of an object, or exactly the text or bytes given (to spell what a JSON library would not). */
export type Segment = object | string | Buffer;

function bytes(segment: Segment): Buffer {
  if (Buffer.isBuffer(segment)) return segment;
  return Buffer.from(typeof segment === 'string' ? segment : JSON.stringify(segment), 'utf8');
}

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

/**
 * A compact JWS of `header` and `payload` as given, signed for `signAs` (default: the header's
 * own alg, else HS256) with `key` (default: the test app's HMAC secret). A secret may be a
 * string (as HMAC keys are) or a PEM, used as HMAC bytes: the algorithm-confusion attack.
 */
export function forge(header: Segment, payload: Segment, signAs?: string, key: string | KeyObject = SIGNING_KEY): string {
  const alg = signAs ?? (typeof header === 'object' && !Buffer.isBuffer(header) ? String((header as { alg?: unknown }).alg) : 'HS256');
  const input = `${bytes(header).toString('base64url')}.${bytes(payload).toString('base64url')}`;
  return `${input}.${signature(alg, input, key)}`;
}

function signature(alg: string, input: string, key: string | KeyObject): string {
  const family = alg.slice(0, 2);
  if (family === 'HS') return createHmac(HASH[alg.slice(2)], typeof key === 'string' ? key : key.export()).update(input).digest('base64url');
  const privateKey = typeof key === 'string' ? createPrivateKey(key) : key;
  const data = Buffer.from(input);
  if (alg === 'EdDSA' || alg === 'Ed25519') return sign(null, data, privateKey).toString('base64url');
  if (alg === 'ES256-DER') return sign('sha256', data, privateKey).toString('base64url');
  const options =
    family === 'PS'
      ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : family === 'ES'
        ? { dsaEncoding: 'ieee-p1363' as const }
        : {};
  return sign(HASH[alg.slice(2)], data, { key: privateKey, ...options }).toString('base64url');
}

/** An app with `env` and the user alice (password "correct horse"), for the tests of the enclosing describe. */
export function appWith(env: Record<string, string> = {}): { t: TestApp; alice: number } {
  const ctx = {} as { t: TestApp; alice: number };
  beforeAll(async () => {
    ctx.t = await startApp(env);
    ctx.alice = (await createUser(ctx.t, { username: 'alice' })).id;
  });
  afterAll(async () => {
    await ctx.t?.close();
  });
  return ctx;
}

/** Both doors a token goes through, each with its exact 401: a protected route, and the verify endpoint. */
export async function refusedEverywhere(t: TestApp, token: string, message = 'Token is invalid'): Promise<void> {
  const bearer = await me(t, token);
  expect([bearer.status, bearer.body]).toEqual([401, bearerRefusal(message)]);
  const checked = await verify(t, token);
  expect([checked.status, checked.body]).toEqual([401, { detail: message, code: 'token_not_valid' }]);
}

/** GET /api/me/ with `Authorization: Bearer <token>`. */
export const me = (t: TestApp, token: string) => t.http().get('/api/me/').set('Authorization', `Bearer ${token}`);
/** POST /api/token/verify/. */
export const verify = (t: TestApp, token: string) => t.http().post('/api/token/verify/').send({ token });
export const refresh = (t: TestApp, token: string) => t.http().post('/api/token/refresh/').send({ refresh: token });

/**
 * A GET with an Authorization header of raw bytes (Node's client will not send characters
 * above U+00FF): answers the status and the parsed body.
 */
export async function rawAuthorization(t: TestApp, value: Buffer): Promise<{ status: number; body: unknown }> {
  const { hostname, port } = new URL(t.url);
  const head = Buffer.concat([
    Buffer.from(`GET /api/me/ HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\nAuthorization: `),
    value,
    Buffer.from('\r\n\r\n'),
  ]);
  const response = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(head));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.setTimeout(10000, () => socket.destroy(new Error('no answer')));
  });
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
  const text = response.slice(response.indexOf('\r\n\r\n') + 4);
  const chunked = /transfer-encoding: chunked/i.test(response.slice(0, response.indexOf('\r\n\r\n')));
  return { status, body: JSON.parse(chunked ? dechunk(text) : text) };
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const line = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, line), 16);
    if (!size) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 4 + size);
  }
}
