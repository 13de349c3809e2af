// GET /.well-known/jwks.json, key rotation through JWT_EXTRA_VERIFYING_KEYS, and JWT_JWK_URL.
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { jwkThumbprint } from '@nest-simplejwt/auth';
import { dropDatabases } from './support/database.js';
import { createUser, decode, login, SIGNING_KEY, startApp, type TestApp } from './support/test-app.js';
import { accessClaims } from './support/tokens.js';
import { bearerRefusal, forge, me, refresh, verify } from './security/forge.js';

const pem = (key: KeyObject) => key.export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString();
const NOT_FOUND = { detail: 'Not found.' };

afterAll(async () => {
  await dropDatabases();
});

describe('GET /.well-known/jwks.json', () => {
  const current = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const standby = generateKeyPairSync('ed25519');
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ JWT_ALGORITHM: 'ES256', JWT_SIGNING_KEY: pem(current.privateKey), JWT_EXTRA_VERIFYING_KEYS: pem(standby.publicKey), JWT_JWKS_MAX_AGE: '600' });
    await createUser(t, { username: 'alice' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers the public keys in use and on standby, cacheable, as application/jwk-set+json, to anyone', async () => {
    const res = await t.http().get('/.well-known/jwks.json').set('Authorization', 'Bearer not-even-a-token');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/jwk-set\+json/);
    expect(res.headers['cache-control']).toBe('public, max-age=600');
    const ec = current.publicKey.export({ format: 'jwk' });
    const ed = standby.publicKey.export({ format: 'jwk' });
    expect(JSON.parse(res.text)).toEqual({
      keys: [
        { kty: 'EC', use: 'sig', alg: 'ES256', kid: jwkThumbprint(current.publicKey), crv: 'P-256', x: ec.x, y: ec.y },
        { kty: 'OKP', use: 'sig', alg: 'EdDSA', kid: jwkThumbprint(standby.publicKey), crv: 'Ed25519', x: ed.x },
      ],
    });
    expect(res.text).not.toContain('"d"');
  });

  it("is a JWKS an independent verifier (jose's createRemoteJWKSet + jwtVerify) accepts this server's tokens with", async () => {
    const { access, refresh: r } = await login(t, 'alice');
    const jwks = createRemoteJWKSet(new URL(`${t.url}/.well-known/jwks.json`));
    for (const token of [access, r]) {
      const { payload, protectedHeader } = await jwtVerify(token, jwks, { algorithms: ['ES256'] });
      expect(protectedHeader).toEqual({ alg: 'ES256', kid: jwkThumbprint(current.publicKey), typ: 'JWT' });
      expect(payload.token_type).toBe(token === access ? 'access' : 'refresh');
    }
  });

  it('answers HEAD like GET, and 405 to POST', async () => {
    expect((await t.http().head('/.well-known/jwks.json')).status).toBe(200);
    const res = await t.http().post('/.well-known/jwks.json').send({});
    expect([res.status, res.body]).toEqual([405, { detail: 'Method "POST" not allowed.' }]);
  });

  it('answers 404 {"detail": "Not found."} when every key is an HMAC secret (nothing public to publish)', async () => {
    const hmac = await startApp({ JWT_EXTRA_VERIFYING_KEYS: 'an-older-secret-0123456789abcdefghijklmnop' });
    try {
      const res = await hmac.http().get('/.well-known/jwks.json');
      expect([res.status, res.body]).toEqual([404, NOT_FOUND]);
      expect(res.text).not.toContain('older-secret');
    } finally {
      await hmac.close();
    }
  });
});

describe('key rotation: the old key moves to JWT_EXTRA_VERIFYING_KEYS', () => {
  const oldKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const newKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let before: TestApp;
  let after: TestApp;
  let oldPair: { access: string; refresh: string };

  beforeAll(async () => {
    before = await startApp({ JWT_ALGORITHM: 'RS256', JWT_SIGNING_KEY: pem(oldKey.privateKey), JWT_EXTRA_VERIFYING_KEYS: pem(newKey.publicKey) });
    await createUser(before, { username: 'alice' });
    oldPair = await login(before, 'alice');
    // The next deploy: same database, the new key signs, the old one only verifies.
    after = await startApp({ JWT_ALGORITHM: 'ES256', JWT_SIGNING_KEY: pem(newKey.privateKey), JWT_EXTRA_VERIFYING_KEYS: pem(oldKey.publicKey) }, before.databaseUrl);
  });
  afterAll(async () => {
    await before.close();
    await after.close();
  });

  it('published the standby key before it signed', async () => {
    const kids = (await before.http().get('/.well-known/jwks.json')).body.keys.map((key: { kid: string }) => key.kid);
    expect(kids).toEqual([jwkThumbprint(oldKey.publicKey), jwkThumbprint(newKey.publicKey)]);
  });

  it("keeps the old key's tokens working: access as bearer, refresh at refresh, both at verify", async () => {
    expect(decode(oldPair.access).header.kid).toBe(jwkThumbprint(oldKey.publicKey));
    expect((await me(after, oldPair.access)).status).toBe(200);
    expect((await verify(after, oldPair.access)).body).toEqual({});
    const res = await refresh(after, oldPair.refresh);
    expect(res.status).toBe(200);
    expect(decode(res.body.access).header).toEqual({ alg: 'ES256', kid: jwkThumbprint(newKey.publicKey), typ: 'JWT' });
    expect(decode(res.body.refresh).header.kid).toBe(jwkThumbprint(newKey.publicKey));
  });

  it('signs new logins with the new kid, which the instance still on the old key verifies (rolling deploy)', async () => {
    const pair = await login(after, 'alice');
    expect(decode(pair.access).header).toEqual({ alg: 'ES256', kid: jwkThumbprint(newKey.publicKey), typ: 'JWT' });
    expect((await me(before, pair.access)).status).toBe(200);
  });

  it("refuses a token naming the old key's kid but signed by the new key (each kid, its own key and algorithm)", async () => {
    const token = forge({ alg: 'ES256', kid: jwkThumbprint(oldKey.publicKey), typ: 'JWT' }, accessClaims(1), 'ES256', newKey.privateKey);
    const res = await me(after, token);
    expect([res.status, res.body]).toEqual([401, bearerRefusal()]);
  });

  it('refuses the old key once it is dropped from JWT_EXTRA_VERIFYING_KEYS', async () => {
    const later = await startApp({ JWT_ALGORITHM: 'ES256', JWT_SIGNING_KEY: pem(newKey.privateKey) }, before.databaseUrl);
    try {
      const res = await me(later, oldPair.access);
      expect([res.status, res.body]).toEqual([401, bearerRefusal()]);
    } finally {
      await later.close();
    }
  });

  it('rotates HMAC secrets the same way (comma-separated), and tokens carry the new kid', async () => {
    const newSecret = 'the-new-hmac-secret-0123456789abcdefghijklmnopq';
    const hmacBefore = await startApp({}, before.databaseUrl);
    const hmacAfter = await startApp({ JWT_SIGNING_KEY: newSecret, JWT_EXTRA_VERIFYING_KEYS: `unrelated-secret-0123456789abcdefghijklmnop, ${SIGNING_KEY}` }, before.databaseUrl);
    try {
      const old = await login(hmacBefore, 'alice');
      expect((await me(hmacAfter, old.access)).status).toBe(200);
      const fresh = await login(hmacAfter, 'alice');
      expect(decode(fresh.access).header.kid).not.toBe(decode(old.access).header.kid);
      expect((await me(hmacBefore, fresh.access)).status).toBe(401);
    } finally {
      await hmacBefore.close();
      await hmacAfter.close();
    }
  });
});

describe('JWT_JWK_URL: tokens of another issuer, by its JWKS', () => {
  const issuer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rotated = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let published: KeyObject[] = [issuer.publicKey];
  let requests = 0;
  let mode: 'ok' | 'down' | 'slow' = 'ok';
  let server: Server;
  let t: TestApp;
  let alice: number;

  const kidOf = (key: KeyObject) => jwkThumbprint(key.type === 'private' ? createPublicKey(key) : key);
  const theirs = (key: KeyObject, claims = accessClaims(alice)) => forge({ alg: 'ES256', kid: kidOf(key), typ: 'JWT' }, claims, 'ES256', key);

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      if (mode === 'down') return void res.writeHead(503).end();
      const body = JSON.stringify({ keys: published.map((key) => ({ ...key.export({ format: 'jwk' }), alg: 'ES256', use: 'sig', kid: kidOf(key) })) });
      const send = () => res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(body);
      if (mode === 'slow') setTimeout(send, 3000);
      else send();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    t = await startApp({ JWT_JWK_URL: `http://127.0.0.1:${port}/jwks.json`, JWT_JWK_REFETCH_INTERVAL: '1', JWT_JWK_TIMEOUT: '1', JWT_JWK_CACHE_LIFETIME: '1h' });
    alice = (await createUser(t, { username: 'alice' })).id;
  });
  afterAll(async () => {
    await t.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("accepts a bearer token signed by the issuer's key, fetching its JWKS once", async () => {
    const before = requests;
    for (let i = 0; i < 3; i++) expect((await me(t, theirs(issuer.privateKey))).status).toBe(200);
    expect(requests - before).toBe(1);
  });

  it("does not take the issuer's sid for one of this server's sessions (its sessions are its own)", async () => {
    const res = await me(t, theirs(issuer.privateKey, accessClaims(alice, { sid: 'f'.repeat(32) })));
    expect(res.status).toBe(200);
  });

  it('keeps its own tokens working beside them', async () => {
    const { access } = await login(t, 'alice');
    expect((await me(t, access)).status).toBe(200);
  });

  it('refuses an unknown kid, refetching at most once per JWT_JWK_REFETCH_INTERVAL', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const before = requests;
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 5; i++) {
      const res = await me(t, theirs(stranger.privateKey));
      expect([res.status, res.body]).toEqual([401, bearerRefusal()]);
    }
    expect(requests - before).toBe(1);
  });

  it("picks up the issuer's new key on the refetch its new kid sets off", async () => {
    published = [issuer.publicKey, rotated.publicKey];
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await me(t, theirs(rotated.privateKey))).status).toBe(200);
  });

  it("does not take another issuer's token at the token endpoints (only this server's keys there)", async () => {
    const res = await verify(t, theirs(issuer.privateKey));
    expect([res.status, res.body]).toEqual([401, { detail: 'Token is invalid', code: 'token_not_valid' }]);
  });

  it('refuses with 401, in about JWT_JWK_TIMEOUT and never a 500, when the JWKS answers too slowly or not at all', async () => {
    const unknown = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (const state of ['slow', 'down'] as const) {
      mode = state;
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const started = Date.now();
      const res = await me(t, theirs(unknown.privateKey));
      expect([res.status, res.body]).toEqual([401, bearerRefusal()]);
      expect(Date.now() - started).toBeLessThan(2500);
    }
    mode = 'ok';
  });
});
