// Every setting in src/config/settings.ts, changed from its default, changes what the app does:
// seen over HTTP with in-process apps, or, for the settings that shape the process itself
// (NODE_ENV, HOST, PORT, LOG_LEVEL, LOG_FORMAT, ACCESS_LOG, DATABASE_URL, DATABASE_MIGRATE_ON_START, DATA_DIR,
// SHUTDOWN_TIMEOUT, METRICS_*, FLUSH_EXPIRED_TOKENS_INTERVAL), by
// spawning the built server (dist/main.js) and watching its output, its port and its database.
import { createPublicKey, createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ModuleMetadata } from '@nestjs/common';
import jsonwebtoken from 'jsonwebtoken';
import pg from 'pg';
import { drfDateTime, jwkThumbprint } from '@nest-simplejwt/auth';
import { freePort } from '../src/database/embedded-postgres.js';
import { SETTINGS } from '../src/config/settings.js';
import { admin, dropDatabases, sql, withDatabase } from './support/database.js';
import { DefaultRouteModule } from './support/default-route.js';
import { RedisServer } from './support/redis-server.js';
import { killAll, launch as launchServer, listening, ROOT, running, sleep, snapshotBuild, stop, waitUntil, within } from './support/server-process.js';
import { bearer, createUser, databaseWithUsers, decode, SIGNING_KEY, startApp, type TestApp } from './support/test-app.js';
import { accessClaims, now, refreshClaims, signed } from './support/tokens.js';
import { forge } from './security/forge.js';

// Spawned servers and a machine shared with other test runs: generous, though most tests take well under a second.
jest.setTimeout(90000);

const PASSWORD = 'correct horse';
const NOT_FOUND = { detail: 'Not found.' };
const NO_CREDENTIALS = { detail: 'Authentication credentials were not provided.' };
const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };
const TOKEN_INVALID = { detail: 'Token is invalid', code: 'token_not_valid' };
const ACCESS = ['AccessToken', 'access'] as const;
const SLIDING = ['SlidingToken', 'sliding'] as const;

/** SimpleJWT's 401 for a bearer token no accepted class takes, one message per class. */
function notValidForAny(...perClass: [readonly [string, string], string][]) {
  return {
    detail: 'Given token not valid for any token type',
    code: 'token_not_valid',
    messages: perClass.map(([[tokenClass, tokenType], message]) => ({ token_class: tokenClass, token_type: tokenType, message })),
  };
}

interface Ctx {
  t: TestApp;
  aliceId: number;
}

/** An app with `env` (and more modules) and the user alice, for the tests of the enclosing describe. */
function appWith(env: Record<string, string>, imports: ModuleMetadata['imports'] = []): Ctx {
  const ctx = {} as Ctx;
  beforeAll(async () => {
    ctx.t = await startApp(env, undefined, ['fatal'], imports);
    ctx.aliceId = (await createUser(ctx.t, { username: 'alice', password: PASSWORD })).id;
  });
  afterAll(async () => {
    await ctx.t?.close();
  });
  return ctx;
}

async function pair(t: TestApp, path = '/api/token/'): Promise<{ refresh: string; access: string }> {
  const res = await t.http().post(path).send({ username: 'alice', password: PASSWORD });
  expect(res.status).toBe(200);
  expect(Object.keys(res.body)).toEqual(['refresh', 'access']);
  return res.body;
}

async function sliding(t: TestApp, path = '/api/token/sliding/'): Promise<string> {
  const res = await t.http().post(path).send({ username: 'alice', password: PASSWORD });
  expect(res.status).toBe(200);
  expect(Object.keys(res.body)).toEqual(['token']);
  return res.body.token;
}

const me = (t: TestApp, token: string, scheme = 'Bearer') => t.http().get('/api/me/').set('Authorization', `${scheme} ${token}`);
const refresh = (t: TestApp, token: string, path = '/api/token/refresh/') => t.http().post(path).send({ refresh: token });
const verify = (t: TestApp, token: string) => t.http().post('/api/token/verify/').send({ token });
const lifetime = (token: string) => {
  const { exp, iat } = decode(token).payload as { exp: number; iat: number };
  return exp - iat;
};

function pemPair(type: 'rsa' | 'ec'): { privateKey: string; publicKey: string } {
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  return type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding, publicKeyEncoding })
    : generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding, publicKeyEncoding });
}

/** Logs alice in on a cookie-mode app; the cookies it set, by name. */
async function cookieLogin(t: TestApp): Promise<Record<string, string>> {
  const res = await t.http().post('/api/token/').send({ username: 'alice', password: PASSWORD });
  expect(res.status).toBe(200);
  return Object.fromEntries(setCookieLines(res).map((line) => line.split(';')[0].split(/=(.*)/s).slice(0, 2)));
}

/** The attributes of each cookie a response sets (Expires left out: it moves with the clock). */
function attributesOf(res: { headers: Record<string, unknown> }): Record<string, string> {
  return Object.fromEntries(
    setCookieLines(res).map((line) => {
      const [pair, ...attributes] = line.split('; ');
      return [pair.split('=')[0], attributes.filter((a) => !a.startsWith('Expires=')).join('; ')];
    }),
  );
}

const setCookieLines = (res: { headers: Record<string, unknown> }) => (res.headers['set-cookie'] as string[] | undefined) ?? [];

/** Which settings each describe below changes; the last test checks that none is left out. */
const covered = new Set<string>();
const covers = (...names: string[]) => names.forEach((name) => covered.add(name));

afterAll(async () => {
  await dropDatabases();
});

describe('settings changed from their defaults (in-process apps)', () => {
  // The defaults, for comparison (but for what startApp itself sets: NODE_ENV=test, the test
  // JWT_SIGNING_KEY, OPENAPI_PATH=off and THROTTLE_RATES=off).
  const base = appWith({});

  describe('JWT_ACCESS_TOKEN_LIFETIME, JWT_REFRESH_TOKEN_LIFETIME, JWT_SLIDING_TOKEN_LIFETIME, JWT_SLIDING_TOKEN_REFRESH_LIFETIME', () => {
    covers('JWT_ACCESS_TOKEN_LIFETIME', 'JWT_REFRESH_TOKEN_LIFETIME', 'JWT_SLIDING_TOKEN_LIFETIME', 'JWT_SLIDING_TOKEN_REFRESH_LIFETIME');
    const app = appWith({
      JWT_ACCESS_TOKEN_LIFETIME: '60',
      JWT_REFRESH_TOKEN_LIFETIME: '2m',
      JWT_SLIDING_TOKENS: 'true',
      JWT_SLIDING_TOKEN_LIFETIME: '90s',
      JWT_SLIDING_TOKEN_REFRESH_LIFETIME: '150',
    });

    it('by default: access 15 min, refresh 7 days', async () => {
      const { access, refresh: r } = await pair(base.t);
      expect(lifetime(access)).toBe(900);
      expect(lifetime(r)).toBe(604800);
    });

    it('access 60 s and refresh 120 s, on obtain and on refresh, and in the session record', async () => {
      const { access, refresh: r } = await pair(app.t);
      expect(lifetime(access)).toBe(60);
      expect(lifetime(r)).toBe(120);
      const { sid, exp } = decode(r).payload;
      const [row] = await sql(app.t.databaseUrl, 'SELECT live_exp::int, access_exp::int FROM token_session WHERE id = $1', [sid]);
      expect(row).toEqual({ live_exp: exp, access_exp: decode(access).payload.exp });
      const res = await refresh(app.t, r);
      expect(res.status).toBe(200);
      expect(lifetime(res.body.access)).toBe(60);
      expect(lifetime(res.body.refresh)).toBe(120);
    });

    it('sliding tokens live 90 s and can be refreshed for 150 s (defaults 300 s and 1 day)', async () => {
      const token = await sliding(app.t);
      const claims = decode(token).payload as Record<string, number>;
      expect(claims.exp - claims.iat).toBe(90);
      expect(claims.refresh_exp - claims.iat).toBe(150);
      await sleep(1100);
      const res = await app.t.http().post('/api/token/sliding/refresh/').send({ token });
      expect(res.status).toBe(200);
      const renewed = decode(res.body.token).payload as Record<string, number>;
      expect(renewed.exp - renewed.iat).toBe(90);
      expect(renewed.iat).toBeGreaterThan(claims.iat);
      expect(renewed.refresh_exp).toBe(claims.refresh_exp);
      expect(renewed.jti).toBe(claims.jti);
    });
  });

  describe('JWT_ROTATE_REFRESH_TOKENS', () => {
    covers('JWT_ROTATE_REFRESH_TOKENS');
    const app = appWith({ JWT_ROTATE_REFRESH_TOKENS: 'false' });

    it('by default, a refresh answers a new refresh token and the old one is then only a retry of it', async () => {
      const { refresh: r } = await pair(base.t);
      const res = await refresh(base.t, r);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['access', 'refresh']);
      expect(res.body.refresh).not.toBe(r);
      expect((await refresh(base.t, r)).body).toEqual(res.body);
      await refresh(base.t, res.body.refresh);
      const again = await refresh(base.t, r);
      expect(again.status).toBe(401);
      expect(again.body).toEqual(BLACKLISTED);
    });

    it('false: a refresh answers only {access}, and the same refresh token keeps working', async () => {
      const { refresh: r } = await pair(app.t);
      for (let i = 0; i < 3; i++) {
        const res = await refresh(app.t, r);
        expect(res.status).toBe(200);
        expect(Object.keys(res.body)).toEqual(['access']);
        expect((await me(app.t, res.body.access)).status).toBe(200);
      }
      const [row] = await sql(app.t.databaseUrl, 'SELECT live_jti, parent_jti FROM token_session WHERE id = $1', [decode(r).payload.sid]);
      expect(row).toEqual({ live_jti: decode(r).payload.jti, parent_jti: null });
    });
  });

  describe('JWT_BLACKLIST_AFTER_ROTATION', () => {
    covers('JWT_BLACKLIST_AFTER_ROTATION');
    const app = appWith({ JWT_BLACKLIST_AFTER_ROTATION: 'false' });

    it('false: rotation still answers a new refresh token, and the old one still works', async () => {
      const { refresh: r0 } = await pair(app.t);
      const first = await refresh(app.t, r0);
      expect(first.status).toBe(200);
      expect(Object.keys(first.body)).toEqual(['access', 'refresh']);
      const second = await refresh(app.t, r0);
      expect(second.status).toBe(200);
      expect(Object.keys(second.body)).toEqual(['access', 'refresh']);
      expect((await refresh(app.t, first.body.refresh)).status).toBe(200);
      expect((await refresh(app.t, r0)).status).toBe(200);
    });

    it('false: the rotated tokens stay one session, so a logout ends the old one too', async () => {
      const { refresh: r0 } = await pair(app.t);
      const r1 = (await refresh(app.t, r0)).body.refresh;
      const out = await app.t.http().post('/api/token/blacklist/').send({ refresh: r1 });
      expect(out.status).toBe(200);
      expect(out.body).toEqual({});
      const res = await refresh(app.t, r0);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(BLACKLISTED);
    });
  });

  describe('JWT_UPDATE_LAST_LOGIN', () => {
    covers('JWT_UPDATE_LAST_LOGIN');
    const app = appWith({ JWT_UPDATE_LAST_LOGIN: 'true', JWT_SLIDING_TOKENS: 'true' });
    const lastLogin = async (t: TestApp) =>
      (await sql(t.databaseUrl, "SELECT last_login FROM auth_user WHERE username = 'alice'"))[0].last_login as Date | null;

    it('by default, obtaining a pair leaves last_login null', async () => {
      const { access } = await pair(base.t);
      expect(await lastLogin(base.t)).toBeNull();
      expect((await me(base.t, access)).body.last_login).toBeNull();
    });

    it('true: obtaining a pair records the time in last_login', async () => {
      expect(await lastLogin(app.t)).toBeNull();
      const before = Date.now();
      const { access } = await pair(app.t);
      const after = Date.now();
      const recorded = await lastLogin(app.t);
      expect(recorded).toBeInstanceOf(Date);
      expect(recorded!.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(recorded!.getTime()).toBeLessThanOrEqual(after + 1000);
      expect((await me(app.t, access)).body.last_login).toBe(drfDateTime(recorded!));
    });

    it('true: obtaining a sliding token records it too', async () => {
      const previous = (await lastLogin(app.t))!.getTime();
      await sleep(20);
      await sliding(app.t);
      expect((await lastLogin(app.t))!.getTime()).toBeGreaterThan(previous);
    });

    it('true: a failed login records nothing', async () => {
      const previous = await lastLogin(app.t);
      const res = await app.t.http().post('/api/token/').send({ username: 'alice', password: 'wrong' });
      expect(res.status).toBe(401);
      expect(await lastLogin(app.t)).toEqual(previous);
    });
  });

  describe('JWT_ALGORITHM and JWT_SIGNING_KEY (HMAC)', () => {
    covers('JWT_ALGORITHM', 'JWT_SIGNING_KEY');
    const OTHER_KEY = 'another-signing-key-0123456789-abcdefghijklmnop';
    const hs512 = appWith({ JWT_ALGORITHM: 'HS512' });
    const otherKey = appWith({ JWT_SIGNING_KEY: OTHER_KEY });

    it('by default signs HS256 with JWT_SIGNING_KEY and refuses HS512', async () => {
      const { access } = await pair(base.t);
      expect(decode(access).header).toEqual({ alg: 'HS256', kid: jwkThumbprint(createSecretKey(Buffer.from(SIGNING_KEY))), typ: 'JWT' });
      expect(() => jsonwebtoken.verify(access, SIGNING_KEY, { algorithms: ['HS256'] })).not.toThrow();
      const res = await me(base.t, signed(accessClaims(base.aliceId), SIGNING_KEY, 'HS512'));
      expect(res.status).toBe(401);
      expect(res.body).toEqual(notValidForAny([ACCESS, 'Token is invalid']));
    });

    it('HS512: tokens say alg HS512 and work; an HS256 token with the same key is refused', async () => {
      const { access, refresh: r } = await pair(hs512.t);
      expect(decode(access).header).toMatchObject({ alg: 'HS512', typ: 'JWT' });
      expect(decode(r).header).toMatchObject({ alg: 'HS512', typ: 'JWT' });
      expect(() => jsonwebtoken.verify(access, SIGNING_KEY, { algorithms: ['HS512'] })).not.toThrow();
      expect((await me(hs512.t, access)).status).toBe(200);
      expect((await me(hs512.t, signed(accessClaims(hs512.aliceId), SIGNING_KEY, 'HS512'))).status).toBe(200);
      const hs256 = await me(hs512.t, signed(accessClaims(hs512.aliceId)));
      expect(hs256.status).toBe(401);
      expect(hs256.body).toEqual(notValidForAny([ACCESS, 'Token is invalid']));
      expect((await refresh(hs512.t, r)).status).toBe(200);
    });

    it('another JWT_SIGNING_KEY: tokens are signed with it; tokens signed with the old key are refused', async () => {
      const { access } = await pair(otherKey.t);
      expect(() => jsonwebtoken.verify(access, OTHER_KEY, { algorithms: ['HS256'] })).not.toThrow();
      expect(() => jsonwebtoken.verify(access, SIGNING_KEY, { algorithms: ['HS256'] })).toThrow();
      expect((await me(otherKey.t, signed(accessClaims(otherKey.aliceId), OTHER_KEY))).status).toBe(200);
      const old = await me(otherKey.t, signed(accessClaims(otherKey.aliceId)));
      expect(old.status).toBe(401);
      expect(old.body).toEqual(notValidForAny([ACCESS, 'Token is invalid']));
      // ...which the default app, signing with the test key, accepts.
      expect((await me(base.t, signed(accessClaims(base.aliceId)))).status).toBe(200);
    });
  });

  describe('JWT_ALGORITHM=RS256 with a PEM JWT_SIGNING_KEY', () => {
    const rsa = pemPair('rsa');
    const app = appWith({ JWT_ALGORITHM: 'RS256', JWT_SIGNING_KEY: rsa.privateKey });

    it('signs RS256 tokens the public key verifies, and accepts them', async () => {
      const { access, refresh: r } = await pair(app.t);
      expect(decode(access).header).toEqual({ alg: 'RS256', kid: jwkThumbprint(createPublicKey(rsa.publicKey)), typ: 'JWT' });
      expect(() => jsonwebtoken.verify(access, rsa.publicKey, { algorithms: ['RS256'] })).not.toThrow();
      const res = await me(app.t, access);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: app.aliceId, username: 'alice' });
      expect((await verify(app.t, r)).body).toEqual({});
      expect((await refresh(app.t, r)).status).toBe(200);
    });

    it('refuses HMAC tokens, including one keyed with the public key (algorithm confusion)', async () => {
      for (const token of [signed(accessClaims(app.aliceId)), signed(accessClaims(app.aliceId), rsa.publicKey)]) {
        const res = await me(app.t, token);
        expect(res.status).toBe(401);
        expect(res.body).toEqual(notValidForAny([ACCESS, 'Token is invalid']));
      }
    });
  });

  describe('JWT_VERIFYING_KEY', () => {
    covers('JWT_VERIFYING_KEY');
    const signing = pemPair('ec');
    const stranger = pemPair('ec');
    const app = appWith({ JWT_ALGORITHM: 'ES256', JWT_SIGNING_KEY: signing.privateKey, JWT_VERIFYING_KEY: signing.publicKey });

    it('is the key tokens are verified with: tokens of its pair work, tokens of another key are refused', async () => {
      const { access } = await pair(app.t);
      expect(decode(access).header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
      expect((await me(app.t, access)).status).toBe(200);
      const forged = jsonwebtoken.sign(accessClaims(app.aliceId), stranger.privateKey, { algorithm: 'ES256', noTimestamp: true });
      const res = await me(app.t, forged);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(notValidForAny([ACCESS, 'Token is invalid']));
      const checked = await verify(app.t, forged);
      expect(checked.status).toBe(401);
      expect(checked.body).toEqual(TOKEN_INVALID);
    });

    it('must belong to the signing key: another pair stops the start, naming JWT_VERIFYING_KEY', async () => {
      await expect(
        startApp({ JWT_ALGORITHM: 'ES256', JWT_SIGNING_KEY: signing.privateKey, JWT_VERIFYING_KEY: stranger.publicKey }),
      ).rejects.toThrow(/JWT_VERIFYING_KEY: does not verify what SIGNING_KEY signs/);
    });
  });

  describe('JWT_EXTRA_VERIFYING_KEYS, JWT_KEY_ID, JWT_JWKS_MAX_AGE, and keys read from files (file:)', () => {
    covers('JWT_EXTRA_VERIFYING_KEYS', 'JWT_KEY_ID', 'JWT_JWKS_MAX_AGE');
    const previous = 'the-previous-hmac-secret-0123456789abcdefghijkl';
    const signing = pemPair('ec');
    const dir = mkdtempSync(join(tmpdir(), 'jwt-keys-'));
    const keyFile = join(dir, 'signing.pem');
    writeFileSync(keyFile, signing.privateKey);
    const extra = appWith({ JWT_EXTRA_VERIFYING_KEYS: previous });
    const named = appWith({ JWT_KEY_ID: 'key-2026-06' });
    const fromFile = appWith({ JWT_ALGORITHM: 'ES256', JWT_SIGNING_KEY: `file:${keyFile}`, JWT_JWKS_MAX_AGE: '60' });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const kidOf = (secret: string) => jwkThumbprint(createSecretKey(Buffer.from(secret)));
    const withKid = (ctx: Ctx, secret: string, kid: string) => jsonwebtoken.sign(accessClaims(ctx.aliceId), secret, { algorithm: 'HS256', keyid: kid });

    it('JWT_EXTRA_VERIFYING_KEYS: a token of the previous secret (its kid) verifies; without the setting it is refused', async () => {
      expect((await me(extra.t, withKid(extra, previous, kidOf(previous)))).status).toBe(200);
      const res = await me(base.t, withKid(base, previous, kidOf(previous)));
      expect([res.status, res.body]).toEqual([401, notValidForAny([ACCESS, 'Token is invalid'])]);
    });

    it('JWT_KEY_ID: tokens carry it as kid; the thumbprint is then no kid of this server', async () => {
      const { access } = await pair(named.t);
      expect(decode(access).header).toEqual({ alg: 'HS256', kid: 'key-2026-06', typ: 'JWT' });
      expect((await me(named.t, access)).status).toBe(200);
      expect((await me(named.t, withKid(named, SIGNING_KEY, kidOf(SIGNING_KEY)))).status).toBe(401);
    });

    it('JWT_SIGNING_KEY=file:/path reads the PEM from the file; JWT_JWKS_MAX_AGE is the JWKS max-age', async () => {
      const { access } = await pair(fromFile.t);
      expect(decode(access).header).toMatchObject({ alg: 'ES256', kid: jwkThumbprint(createPublicKey(signing.publicKey)) });
      const res = await fromFile.t.http().get('/.well-known/jwks.json');
      expect([res.status, res.headers['cache-control']]).toEqual([200, 'public, max-age=60']);
      expect((await base.t.http().get('/.well-known/jwks.json')).status).toBe(404);
    });

    it('a file: that cannot be read stops the start, naming the variable and the path (never a key)', async () => {
      await expect(startApp({ JWT_SIGNING_KEY: `file:${join(dir, 'missing.pem')}` })).rejects.toThrow(`JWT_SIGNING_KEY: cannot read ${join(dir, 'missing.pem')} (ENOENT)`);
    });
  });

  describe('JWT_JWK_URL, JWT_JWK_CACHE_LIFETIME, JWT_JWK_REFETCH_INTERVAL, JWT_JWK_TIMEOUT', () => {
    covers('JWT_JWK_URL', 'JWT_JWK_CACHE_LIFETIME', 'JWT_JWK_REFETCH_INTERVAL', 'JWT_JWK_TIMEOUT');
    const issuer = generateKeyPairSync('ed25519');
    const kid = jwkThumbprint(issuer.publicKey);
    let fetches = 0;
    let delay = 0;
    const server = createServer((_req, res) => {
      fetches++;
      const body = JSON.stringify({ keys: [{ ...issuer.publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA' }] });
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(body), delay);
    });
    const ctx = {} as { url: string; short: TestApp; patient: TestApp; aliceId: number };
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      ctx.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`;
      ctx.short = await startApp({ JWT_JWK_URL: ctx.url, JWT_JWK_CACHE_LIFETIME: '1', JWT_JWK_REFETCH_INTERVAL: '1h', JWT_JWK_TIMEOUT: '1' });
      ctx.patient = await startApp({ JWT_JWK_URL: ctx.url, JWT_JWK_TIMEOUT: '4' }, ctx.short.databaseUrl);
      ctx.aliceId = (await createUser(ctx.short, { username: 'alice', password: PASSWORD })).id;
    });
    afterAll(async () => {
      await ctx.short?.close();
      await ctx.patient?.close();
      server.closeAllConnections();
      server.close();
    });
    const theirs = (keyid = kid) => forge({ alg: 'EdDSA', kid: keyid, typ: 'JWT' }, accessClaims(ctx.aliceId), 'EdDSA', issuer.privateKey);

    it("JWT_JWK_URL: a token of the issuer's key authenticates; without it, it is refused", async () => {
      expect((await me(ctx.short, theirs())).status).toBe(200);
      expect((await me(base.t, theirs())).status).toBe(401);
    });

    it('JWT_JWK_CACHE_LIFETIME=1s: a known key is fetched again once the second has passed', async () => {
      expect((await me(ctx.short, theirs())).status).toBe(200);
      const before = fetches;
      expect((await me(ctx.short, theirs())).status).toBe(200);
      expect(fetches).toBe(before);
      await sleep(1100);
      expect((await me(ctx.short, theirs())).status).toBe(200);
      expect(fetches).toBe(before + 1);
    });

    it('JWT_JWK_REFETCH_INTERVAL=1h: unknown kids set off no fetch while the keys are fresh', async () => {
      expect((await me(ctx.short, theirs())).status).toBe(200);
      const before = fetches;
      for (let i = 0; i < 3; i++) expect((await me(ctx.short, theirs(`unknown-${i}`))).status).toBe(401);
      expect(fetches).toBe(before);
    });

    it('JWT_JWK_TIMEOUT: a JWKS answering in 2 s is refused at 1 s and waited for at 4 s', async () => {
      delay = 2000;
      await sleep(1100);
      const started = Date.now();
      const res = await me(ctx.short, theirs());
      expect([res.status, Date.now() - started < 1900]).toEqual([401, true]);
      expect((await me(ctx.patient, theirs())).status).toBe(200);
      delay = 0;
    });
  });

  describe('JWT_AUDIENCE and JWT_ISSUER', () => {
    covers('JWT_AUDIENCE', 'JWT_ISSUER');
    const AUD = 'my-api';
    const ISS = 'https://auth.example';
    const app = appWith({ JWT_AUDIENCE: AUD, JWT_ISSUER: ISS });

    it('by default tokens carry neither, and a token that carries either is refused (it was made for someone else)', async () => {
      const { access, refresh: r } = await pair(base.t);
      expect(Object.keys(decode(access).payload)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id', 'sid']);
      expect(Object.keys(decode(r).payload)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id', 'sid']);
      for (const claims of [{ aud: 'someone-else' }, { iss: 'nobody' }]) {
        const res = await me(base.t, signed(accessClaims(base.aliceId, claims)));
        expect(res.status).toBe(401);
        expect(res.body).toEqual(notValidForAny([ACCESS, 'Token is invalid']));
      }
    });

    it('tokens carry aud and iss, on obtain and on refresh, and work', async () => {
      const { access, refresh: r } = await pair(app.t);
      expect(decode(access).payload).toMatchObject({ aud: AUD, iss: ISS });
      expect(decode(r).payload).toMatchObject({ aud: AUD, iss: ISS });
      expect((await me(app.t, access)).status).toBe(200);
      const res = await refresh(app.t, r);
      expect(res.status).toBe(200);
      expect(decode(res.body.access).payload).toMatchObject({ aud: AUD, iss: ISS });
      expect(decode(res.body.refresh).payload).toMatchObject({ aud: AUD, iss: ISS });
    });

    it.each<[string, Record<string, unknown>]>([
      ['neither', {}],
      ['only aud', { aud: AUD }],
      ['only iss', { iss: ISS }],
      ['another aud', { aud: 'other-api', iss: ISS }],
      ['another iss', { aud: AUD, iss: 'https://evil.example' }],
    ])('refuses a token with %s, as a bearer and at verify and refresh', async (_case, claims) => {
      const bearerRes = await me(app.t, signed(accessClaims(app.aliceId, claims)));
      expect(bearerRes.status).toBe(401);
      expect(bearerRes.body).toEqual(notValidForAny([ACCESS, 'Token is invalid']));
      const verified = await verify(app.t, signed(accessClaims(app.aliceId, claims)));
      expect(verified.status).toBe(401);
      expect(verified.body).toEqual(TOKEN_INVALID);
      const refreshed = await refresh(app.t, signed(refreshClaims(app.aliceId, claims)));
      expect(refreshed.status).toBe(401);
      expect(refreshed.body).toEqual(TOKEN_INVALID);
    });

    it('accepts a token signed elsewhere with both', async () => {
      expect((await me(app.t, signed(accessClaims(app.aliceId, { aud: AUD, iss: ISS })))).status).toBe(200);
    });
  });

  describe('JWT_LEEWAY', () => {
    covers('JWT_LEEWAY');
    const app = appWith({ JWT_LEEWAY: '30' });

    it.each<[string, () => Record<string, unknown>]>([
      ['expired 5 s ago', () => ({ exp: now() - 5, iat: now() - 65 })],
      ['issued 10 s in the future', () => ({ iat: now() + 10 })],
      ['not valid before 10 s from now', () => ({ nbf: now() + 10 })],
    ])('accepts a bearer token %s with LEEWAY=30, not with the default 0', async (_case, claims) => {
      const ok = await me(app.t, signed(accessClaims(app.aliceId, claims())));
      expect(ok.status).toBe(200);
      const refused = await me(base.t, signed(accessClaims(base.aliceId, claims())));
      expect(refused.status).toBe(401);
      const message = _case.startsWith('expired') ? 'Token is expired' : 'Token is invalid';
      expect(refused.body).toEqual(notValidForAny([ACCESS, message]));
    });

    it('widens the check of the refresh endpoint too', async () => {
      const claims = () => refreshClaims(app.aliceId, { exp: now() - 5, iat: now() - 65 });
      const ok = await refresh(app.t, signed(claims()));
      expect(ok.status).toBe(200);
      const refused = await refresh(base.t, signed(claims()));
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ detail: 'Token is expired', code: 'token_not_valid' });
    });

    it('still refuses a token expired longer ago than the leeway', async () => {
      const res = await me(app.t, signed(accessClaims(app.aliceId, { exp: now() - 40, iat: now() - 100 })));
      expect(res.status).toBe(401);
      expect(res.body).toEqual(notValidForAny([ACCESS, 'Token is expired']));
    });
  });

  describe('JWT_AUTH_HEADER_TYPES', () => {
    covers('JWT_AUTH_HEADER_TYPES');
    const app = appWith({ JWT_AUTH_HEADER_TYPES: 'JWT,Token' });

    it('by default accepts Bearer, and any other scheme is no credentials', async () => {
      const { access } = await pair(base.t);
      expect((await me(base.t, access)).status).toBe(200);
      const res = await me(base.t, access, 'JWT');
      expect(res.status).toBe(401);
      expect(res.body).toEqual(NO_CREDENTIALS);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    });

    it('JWT,Token: both schemes work', async () => {
      const { access } = await pair(app.t);
      for (const scheme of ['JWT', 'Token']) {
        const res = await me(app.t, access, scheme);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id: app.aliceId, username: 'alice' });
      }
    });

    it.each([['Bearer'], ['jwt']])('JWT,Token: %s is no credentials, and 401s name the first type', async (scheme) => {
      const { access } = await pair(app.t);
      const res = await me(app.t, access, scheme);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(NO_CREDENTIALS);
      expect(res.headers['www-authenticate']).toBe('JWT realm="api"');
    });

    it('JWT,Token: a lone JWT is a bad header; a bad password is a 401 with the JWT realm', async () => {
      const lone = await app.t.http().get('/api/me/').set('Authorization', 'JWT');
      expect(lone.status).toBe(401);
      expect(lone.body).toEqual({ detail: 'Authorization header must contain two space-delimited values', code: 'bad_authorization_header' });
      expect(lone.headers['www-authenticate']).toBe('JWT realm="api"');
      const login = await app.t.http().post('/api/token/').send({ username: 'alice', password: 'wrong' });
      expect(login.status).toBe(401);
      expect(login.headers['www-authenticate']).toBe('JWT realm="api"');
    });

    it('JWT,Token: a garbage Bearer token on a public route is ignored (no credentials), not a 401', async () => {
      expect((await base.t.http().get('/api/health/').set(bearer('garbage'))).status).toBe(401);
      const res = await app.t.http().get('/api/health/').set(bearer('garbage'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', database: 'ok' });
    });
  });

  describe('JWT_AUTH_HEADER_NAME', () => {
    covers('JWT_AUTH_HEADER_NAME');
    const app = appWith({ JWT_AUTH_HEADER_NAME: 'HTTP_X_ACCESS_TOKEN' });
    const plain = appWith({ JWT_AUTH_HEADER_NAME: 'X-Access-Token' });

    it('by default reads Authorization and ignores X-Access-Token', async () => {
      const { access } = await pair(base.t);
      const res = await base.t.http().get('/api/me/').set('X-Access-Token', `Bearer ${access}`);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(NO_CREDENTIALS);
    });

    it('HTTP_X_ACCESS_TOKEN: the token in X-Access-Token works', async () => {
      const { access } = await pair(app.t);
      const res = await app.t.http().get('/api/me/').set('X-Access-Token', `Bearer ${access}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: app.aliceId, username: 'alice' });
    });

    it('X-Access-Token (the plain form) works the same', async () => {
      const { access } = await pair(plain.t);
      const res = await plain.t.http().get('/api/me/').set('x-access-token', `Bearer ${access}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: plain.aliceId, username: 'alice' });
      const ignored = await me(plain.t, access);
      expect(ignored.status).toBe(401);
      expect(ignored.body).toEqual(NO_CREDENTIALS);
    });

    it('HTTP_X_ACCESS_TOKEN: Authorization is ignored, even with a garbage token', async () => {
      const { access } = await pair(app.t);
      const res = await me(app.t, access);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(NO_CREDENTIALS);
      expect((await app.t.http().get('/api/health/').set(bearer('garbage'))).status).toBe(200);
      const bad = await app.t.http().get('/api/me/').set('X-Access-Token', 'Bearer garbage');
      expect(bad.status).toBe(401);
      expect(bad.body).toEqual(notValidForAny([ACCESS, 'Token is invalid']));
    });
  });

  describe('JWT_AUTHENTICATION_CLASS', () => {
    covers('JWT_AUTHENTICATION_CLASS');
    const app = appWith({ JWT_AUTHENTICATION_CLASS: 'JWTStatelessUserAuthentication' });

    it('by default the user is loaded: a deleted user is not found, an inactive one refused', async () => {
      const res = await me(base.t, signed(accessClaims(999999)));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'User not found', code: 'user_not_found' });
      const sleepy = await createUser(base.t, { username: 'sleepy-default', isActive: false });
      const inactive = await me(base.t, signed(accessClaims(sleepy.id)));
      expect(inactive.status).toBe(401);
      expect(inactive.body).toEqual({ detail: 'User is inactive', code: 'user_inactive' });
      const { access } = await pair(base.t);
      expect((await me(base.t, access)).body).toMatchObject({ id: base.aliceId, username: 'alice', email: '' });
    });

    it('JWTStatelessUserAuthentication: the user comes from the token alone, with no lookup', async () => {
      const { access } = await pair(app.t);
      const res = await me(app.t, access);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: app.aliceId, username: '', is_staff: false, is_superuser: false, is_active: true });
      const unknown = await me(app.t, signed(accessClaims(999999)));
      expect(unknown.status).toBe(200);
      expect(unknown.body).toEqual({ id: 999999, username: '', is_staff: false, is_superuser: false, is_active: true });
    });
  });

  describe('JWT_USER_ID_FIELD', () => {
    covers('JWT_USER_ID_FIELD');
    const app = appWith({ JWT_USER_ID_FIELD: 'username' });

    it('by default the claim holds the id, and a username there names nobody', async () => {
      const { access } = await pair(base.t);
      expect(decode(access).payload.user_id).toBe(base.aliceId);
      const res = await me(base.t, signed(accessClaims('alice')));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'User not found', code: 'user_not_found' });
    });

    it('username: the claim holds the username, and the token finds the user by it', async () => {
      const { access, refresh: r } = await pair(app.t);
      expect(decode(access).payload.user_id).toBe('alice');
      expect(decode(r).payload.user_id).toBe('alice');
      const res = await me(app.t, access);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: app.aliceId, username: 'alice' });
      const [row] = await sql(app.t.databaseUrl, 'SELECT user_id FROM token_session WHERE id = $1', [decode(r).payload.sid]);
      expect(row.user_id).toBe('alice');
      expect((await refresh(app.t, r)).status).toBe(200);
    });

    it('username: an id in the claim names nobody', async () => {
      const res = await me(app.t, signed(accessClaims(app.aliceId)));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'User not found', code: 'user_not_found' });
    });
  });

  describe('JWT_USER_ID_CLAIM, JWT_TOKEN_TYPE_CLAIM, JWT_JTI_CLAIM, JWT_SLIDING_TOKEN_REFRESH_EXP_CLAIM', () => {
    covers('JWT_USER_ID_CLAIM', 'JWT_TOKEN_TYPE_CLAIM', 'JWT_JTI_CLAIM', 'JWT_SLIDING_TOKEN_REFRESH_EXP_CLAIM');
    const app = appWith({
      JWT_USER_ID_CLAIM: 'uid',
      JWT_TOKEN_TYPE_CLAIM: 'kind',
      JWT_JTI_CLAIM: 'token_id',
      JWT_SLIDING_TOKEN_REFRESH_EXP_CLAIM: 'refresh_until',
      JWT_SLIDING_TOKENS: 'true',
    });
    const claims = (overrides: Record<string, unknown> = {}) => ({
      kind: 'access',
      exp: now() + 300,
      iat: now(),
      token_id: randomBytes(16).toString('hex'),
      uid: app.aliceId,
      ...overrides,
    });

    it('tokens carry the renamed claims and none of the default names', async () => {
      const { access, refresh: r } = await pair(app.t);
      const a = decode(access).payload;
      const f = decode(r).payload;
      expect(Object.keys(f)).toEqual(['kind', 'exp', 'iat', 'token_id', 'uid', 'sid']);
      expect(Object.keys(a)).toEqual(['kind', 'exp', 'iat', 'token_id', 'uid', 'sid']);
      expect(f).toMatchObject({ kind: 'refresh', uid: app.aliceId });
      expect(a).toMatchObject({ kind: 'access', uid: app.aliceId });
      expect(f.token_id).toMatch(/^[0-9a-f]{32}$/);
      expect((await me(app.t, access)).status).toBe(200);
    });

    it('the session follows the renamed claims: rotation records token_id and uid, and refuses a replay two generations back', async () => {
      const { refresh: r } = await pair(app.t);
      const rows = await sql(app.t.databaseUrl, 'SELECT user_id, live_jti FROM token_session WHERE id = $1', [decode(r).payload.sid]);
      expect(rows).toEqual([{ user_id: String(app.aliceId), live_jti: decode(r).payload.token_id }]);
      const res = await refresh(app.t, r);
      expect(res.status).toBe(200);
      expect(Object.keys(decode(res.body.refresh).payload)).toEqual(['kind', 'exp', 'iat', 'token_id', 'uid', 'sid']);
      expect((await refresh(app.t, res.body.refresh)).status).toBe(200);
      const again = await refresh(app.t, r);
      expect(again.status).toBe(401);
      expect(again.body).toEqual(BLACKLISTED);
    });

    it('accepts a token with the renamed claims signed elsewhere', async () => {
      expect((await me(app.t, signed(claims()))).status).toBe(200);
    });

    it('JWT_JTI_CLAIM: a token with jti but not token_id has no id', async () => {
      const res = await me(app.t, signed(accessClaims(app.aliceId, { kind: 'access', uid: app.aliceId })));
      expect(res.status).toBe(401);
      expect(res.body).toEqual(notValidForAny([ACCESS, 'Token has no id']));
    });

    it('JWT_TOKEN_TYPE_CLAIM: a token with token_type but not kind has no type', async () => {
      const res = await me(app.t, signed(claims({ kind: undefined, token_type: 'access' })));
      expect(res.status).toBe(401);
      expect(res.body).toEqual(notValidForAny([ACCESS, 'Token has no type']));
      const wrong = await me(app.t, signed(claims({ kind: 'refresh' })));
      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual(notValidForAny([ACCESS, 'Token has wrong type']));
    });

    it('JWT_USER_ID_CLAIM: a token with user_id but not uid identifies nobody', async () => {
      const res = await me(app.t, signed(claims({ uid: undefined, user_id: app.aliceId })));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'Token contained no recognizable user identification', code: 'token_not_valid' });
    });

    it('JWT_SLIDING_TOKEN_REFRESH_EXP_CLAIM: sliding tokens carry refresh_until and are refreshed by it', async () => {
      const token = await sliding(app.t);
      const payload = decode(token).payload as Record<string, number>;
      expect(Object.keys(payload)).toEqual(['kind', 'exp', 'iat', 'token_id', 'uid', 'sid', 'refresh_until']);
      expect(payload.refresh_until - payload.iat).toBe(86400);
      const res = await app.t.http().post('/api/token/sliding/refresh/').send({ token });
      expect(res.status).toBe(200);
      expect(decode(res.body.token).payload).toMatchObject({ refresh_until: payload.refresh_until, token_id: payload.token_id });
    });

    it('JWT_SLIDING_TOKEN_REFRESH_EXP_CLAIM: a sliding token without refresh_until, or past it, is refused', async () => {
      const slide = (token: string) => app.t.http().post('/api/token/sliding/refresh/').send({ token });
      const without = await slide(signed(claims({ kind: 'sliding', refresh_exp: now() + 3600 })));
      expect(without.status).toBe(401);
      expect(without.body).toEqual({ detail: "Token has no 'refresh_until' claim", code: 'token_not_valid' });
      const past = await slide(signed(claims({ kind: 'sliding', refresh_until: now() - 1 })));
      expect(past.status).toBe(401);
      expect(past.body).toEqual({ detail: "Token 'refresh_until' claim has expired", code: 'token_not_valid' });
    });
  });

  describe('JWT_AUTH_TOKEN_CLASSES', () => {
    covers('JWT_AUTH_TOKEN_CLASSES');
    const both = appWith({ JWT_AUTH_TOKEN_CLASSES: 'AccessToken,SlidingToken', JWT_SLIDING_TOKENS: 'true' });
    const slidingOnly = appWith({ JWT_AUTH_TOKEN_CLASSES: 'SlidingToken', JWT_SLIDING_TOKENS: 'true' });
    const slidingClaims = (userId: number) => ({ ...accessClaims(userId, { token_type: 'sliding' }), refresh_exp: now() + 3600 });

    it('by default a sliding token is no bearer token', async () => {
      const res = await me(base.t, signed(slidingClaims(base.aliceId)));
      expect(res.status).toBe(401);
      expect(res.body).toEqual(notValidForAny([ACCESS, 'Token has wrong type']));
    });

    it('AccessToken,SlidingToken: both a sliding and an access token work as bearer tokens', async () => {
      const token = await sliding(both.t);
      expect((await me(both.t, token)).status).toBe(200);
      const { access } = await pair(both.t);
      expect((await me(both.t, access)).status).toBe(200);
    });

    it('AccessToken,SlidingToken: an invalid token gets one message per class', async () => {
      const forged = await me(both.t, signed(accessClaims(both.aliceId), 'not-the-key-0123456789-abcdefghijklmnop'));
      expect(forged.status).toBe(401);
      expect(forged.body).toEqual(notValidForAny([ACCESS, 'Token is invalid'], [SLIDING, 'Token is invalid']));
      const { refresh: r } = await pair(both.t);
      const wrongType = await me(both.t, r);
      expect(wrongType.status).toBe(401);
      expect(wrongType.body).toEqual(notValidForAny([ACCESS, 'Token has wrong type'], [SLIDING, 'Token has wrong type']));
    });

    it('SlidingToken: an access token is refused, a sliding one works', async () => {
      const { access } = await pair(slidingOnly.t);
      const res = await me(slidingOnly.t, access);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(notValidForAny([SLIDING, 'Token has wrong type']));
      expect((await me(slidingOnly.t, await sliding(slidingOnly.t))).status).toBe(200);
    });
  });

  describe('JWT_SESSION_LIFETIME', () => {
    covers('JWT_SESSION_LIFETIME');
    const app = appWith({ JWT_SESSION_LIFETIME: '4s' });

    it('by default 30 days: the first tokens keep their own lifetimes', async () => {
      const { access, refresh: r } = await pair(base.t);
      expect(lifetime(access)).toBe(15 * 60);
      expect(lifetime(r)).toBe(7 * 86400);
    });

    it('4s: caps every token of the session at its end, across rotations, and the session ends then', async () => {
      const { access, refresh: r0 } = await pair(app.t);
      const iat = decode(r0).payload.iat as number;
      expect(decode(r0).payload.exp).toBe(iat + 4);
      expect(decode(access).payload.exp).toBe(iat + 4);
      await sleep(1100);
      const rotated = await refresh(app.t, r0);
      expect(rotated.status).toBe(200);
      expect(decode(rotated.body.refresh).payload.exp).toBe(iat + 4);
      expect(decode(rotated.body.access).payload.exp).toBe(iat + 4);
      await sleep((iat + 4) * 1000 - Date.now() + 300);
      const late = await refresh(app.t, rotated.body.refresh);
      expect(late.status).toBe(401);
      expect(late.body).toEqual({ detail: 'Token is expired', code: 'token_not_valid' });
    });
  });

  describe('JWT_REFRESH_TOKEN_REUSE_GRACE', () => {
    covers('JWT_REFRESH_TOKEN_REUSE_GRACE');
    const app = appWith({ JWT_REFRESH_TOKEN_REUSE_GRACE: '0s' });
    const twoSeconds = appWith({ JWT_REFRESH_TOKEN_REUSE_GRACE: '2s' });

    it('by default (30 s), an immediate replay of the parent gets the same pair, and its successor still works', async () => {
      const { refresh: r0 } = await pair(base.t);
      const first = (await refresh(base.t, r0)).body;
      const replay = await refresh(base.t, r0);
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual(first);
      const next = await refresh(base.t, first.refresh);
      expect(next.status).toBe(200);
      expect(Object.keys(next.body)).toEqual(['access', 'refresh']);
    });

    it('0s: replaying a rotated refresh token revokes the session, its successor included', async () => {
      const { refresh: r0 } = await pair(app.t);
      const rotated = await refresh(app.t, r0);
      expect(rotated.status).toBe(200);
      const r1 = rotated.body.refresh;
      const replay = await refresh(app.t, r0);
      expect(replay.status).toBe(401);
      expect(replay.body).toEqual(BLACKLISTED);
      const successor = await refresh(app.t, r1);
      expect(successor.status).toBe(401);
      expect(successor.body).toEqual(BLACKLISTED);
      const verified = await verify(app.t, r1);
      expect(verified.status).toBe(400);
      expect(verified.body).toEqual({ non_field_errors: ['Token is blacklisted'] });
    });

    it('2s: a retry of the parent within the grace gets the same pair; one after it revokes the session', async () => {
      const { refresh: r0 } = await pair(twoSeconds.t);
      const first = (await refresh(twoSeconds.t, r0)).body;
      expect((await refresh(twoSeconds.t, r0)).body).toEqual(first);
      const r1 = first.refresh;
      const r2 = (await refresh(twoSeconds.t, r1)).body.refresh;
      expect(typeof r2).toBe('string');
      await sleep(2500);
      const late = await refresh(twoSeconds.t, r1);
      expect(late.status).toBe(401);
      expect(late.body).toEqual(BLACKLISTED);
      const successor = await refresh(twoSeconds.t, r2);
      expect(successor.status).toBe(401);
      expect(successor.body).toEqual(BLACKLISTED);
    });

    it('0s: another session of the same user is left alone', async () => {
      const { refresh: other } = await pair(app.t);
      const { refresh: r0 } = await pair(app.t);
      await refresh(app.t, r0);
      expect((await refresh(app.t, r0)).status).toBe(401);
      expect((await refresh(app.t, other)).status).toBe(200);
    });
  });

  describe('JWT_TOKEN_PATH', () => {
    covers('JWT_TOKEN_PATH');
    // OPENAPI_PATH empty reads as its default, api/docs.
    const app = appWith({ JWT_TOKEN_PATH: 'auth/jwt', JWT_SLIDING_TOKENS: 'true', OPENAPI_PATH: '' });

    it('auth/jwt: every token route moves there, with and without the trailing slash', async () => {
      const { refresh: r } = await pair(app.t, '/auth/jwt/');
      await pair(app.t, '/auth/jwt');
      const verified = await app.t.http().post('/auth/jwt/verify/').send({ token: r });
      expect(verified.status).toBe(200);
      expect(verified.body).toEqual({});
      const refreshed = await refresh(app.t, r, '/auth/jwt/refresh/');
      expect(refreshed.status).toBe(200);
      expect(Object.keys(refreshed.body)).toEqual(['access', 'refresh']);
      const out = await app.t.http().post('/auth/jwt/blacklist').send({ refresh: refreshed.body.refresh });
      expect(out.status).toBe(200);
      expect(out.body).toEqual({});
      const token = await sliding(app.t, '/auth/jwt/sliding/');
      const slid = await app.t.http().post('/auth/jwt/sliding/refresh/').send({ token });
      expect(slid.status).toBe(200);
    });

    it.each([['/api/token/'], ['/api/token/refresh/'], ['/api/token/verify/'], ['/api/token/blacklist/'], ['/api/token/sliding/']])(
      'auth/jwt: the old %s is 404',
      async (path) => {
        const res = await app.t.http().post(path).send({ username: 'alice', password: PASSWORD });
        expect(res.status).toBe(404);
        expect(res.body).toEqual(NOT_FOUND);
      },
    );

    it('auth/jwt: a wrong method there is a 405 naming the route\'s methods; at the old path a 404', async () => {
      const res = await app.t.http().get('/auth/jwt/refresh/');
      expect(res.status).toBe(405);
      expect(res.body).toEqual({ detail: 'Method "GET" not allowed.' });
      expect(res.headers.allow).toBe('POST, OPTIONS');
      const old = await app.t.http().get('/api/token/refresh/');
      expect(old.status).toBe(404);
      expect(old.body).toEqual(NOT_FOUND);
    });

    it('auth/jwt: the OpenAPI document lists the routes where they are', async () => {
      const res = await app.t.http().get('/api/docs-json');
      expect(res.status).toBe(200);
      const paths = Object.keys(res.body.paths);
      expect(paths.filter((path) => path.startsWith('/auth/jwt')).length).toBeGreaterThanOrEqual(6);
      expect(paths.filter((path) => path.startsWith('/api/token'))).toEqual([]);
    });
  });

  describe('JWT_SLIDING_TOKENS', () => {
    covers('JWT_SLIDING_TOKENS');
    const app = appWith({ JWT_SLIDING_TOKENS: 'true' });

    it.each([['/api/token/sliding/'], ['/api/token/sliding/refresh/']])('by default %s is 404', async (path) => {
      const res = await base.t.http().post(path).send({ username: 'alice', password: PASSWORD });
      expect(res.status).toBe(404);
      expect(res.body).toEqual(NOT_FOUND);
    });

    it('true: /api/token/sliding/ answers {token}, and sliding/refresh/ renews it', async () => {
      const token = await sliding(app.t);
      const claims = decode(token).payload as Record<string, number>;
      expect(claims).toMatchObject({ token_type: 'sliding', user_id: app.aliceId });
      expect(claims.exp - claims.iat).toBe(300);
      expect(claims.refresh_exp - claims.iat).toBe(86400);
      const res = await app.t.http().post('/api/token/sliding/refresh/').send({ token });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['token']);
      // Sliding tokens are not bearer tokens unless JWT_AUTH_TOKEN_CLASSES says so.
      expect((await me(app.t, token)).status).toBe(401);
    });
  });

  describe('JWT_AUTH_COOKIE, JWT_AUTH_REFRESH_COOKIE, CSRF_COOKIE_NAME, CSRF_HEADER_NAME, CSRF_TRUSTED_ORIGINS', () => {
    covers('JWT_AUTH_COOKIE', 'JWT_AUTH_REFRESH_COOKIE', 'CSRF_COOKIE_NAME', 'CSRF_HEADER_NAME', 'CSRF_TRUSTED_ORIGINS');
    const app = appWith({
      JWT_AUTH_COOKIE: 'jwt',
      JWT_AUTH_REFRESH_COOKIE: 'jwt-refresh',
      CSRF_COOKIE_NAME: 'XSRF-TOKEN',
      CSRF_HEADER_NAME: 'X-XSRF-TOKEN',
      CSRF_TRUSTED_ORIGINS: 'https://app.example.com',
    });

    it('by default a login sets no cookie and answers both tokens', async () => {
      const res = await base.t.http().post('/api/token/').send({ username: 'alice', password: PASSWORD });
      expect([Object.keys(res.body), res.headers['set-cookie']]).toEqual([['refresh', 'access'], undefined]);
    });

    it('named: a login sets the cookies under those names, and the access cookie authenticates', async () => {
      const jar = await cookieLogin(app.t);
      expect(Object.keys(jar)).toEqual(['jwt', 'jwt-refresh', 'XSRF-TOKEN']);
      const res = await app.t.http().get('/api/me/').set('Cookie', `jwt=${jar.jwt}`);
      expect([res.status, res.body.id]).toEqual([200, app.aliceId]);
    });

    it('named: refresh reads jwt-refresh, and wants the token from XSRF-TOKEN in X-XSRF-TOKEN', async () => {
      const jar = await cookieLogin(app.t);
      const cookie = `jwt-refresh=${jar['jwt-refresh']}; XSRF-TOKEN=${jar['XSRF-TOKEN']}`;
      const django = await app.t.http().post('/api/token/refresh/').set('Cookie', cookie).set('X-CSRFToken', jar['XSRF-TOKEN']);
      expect([django.status, django.body]).toEqual([403, { detail: 'CSRF Failed: CSRF token missing.' }]);
      const res = await app.t.http().post('/api/token/refresh/').set('Cookie', cookie).set('X-XSRF-TOKEN', jar['XSRF-TOKEN']).set('Origin', 'https://app.example.com');
      expect([res.status, Object.keys(res.body)]).toEqual([200, ['access']]);
      const evil = await app.t.http().post('/api/token/refresh/').set('Cookie', cookie).set('X-XSRF-TOKEN', jar['XSRF-TOKEN']).set('Origin', 'https://evil.example');
      expect([evil.status, evil.body]).toEqual([403, { detail: 'CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins.' }]);
    });
  });

  describe('JWT_AUTH_REFRESH_COOKIE_PATH, JWT_AUTH_SECURE, JWT_AUTH_HTTPONLY, JWT_AUTH_SAMESITE, JWT_AUTH_COOKIE_DOMAIN', () => {
    covers('JWT_AUTH_REFRESH_COOKIE_PATH', 'JWT_AUTH_SECURE', 'JWT_AUTH_HTTPONLY', 'JWT_AUTH_SAMESITE', 'JWT_AUTH_COOKIE_DOMAIN');
    const defaults = appWith({ JWT_AUTH_COOKIE: 'access', JWT_AUTH_REFRESH_COOKIE: 'refresh' });
    const changed = appWith({
      JWT_AUTH_COOKIE: '__Secure-access',
      JWT_AUTH_REFRESH_COOKIE: 'refresh',
      JWT_AUTH_REFRESH_COOKIE_PATH: '/auth',
      JWT_AUTH_SECURE: 'true',
      JWT_AUTH_HTTPONLY: 'false',
      JWT_AUTH_SAMESITE: 'Strict',
      JWT_AUTH_COOKIE_DOMAIN: '.example.com',
    });
    const hostPrefixed = appWith({ JWT_AUTH_COOKIE: '__Host-access' });

    it('by default: the refresh cookie on the token routes, HttpOnly, Lax, no Secure, no Domain; the refresh token out of the body', async () => {
      const res = await defaults.t.http().post('/api/token/').send({ username: 'alice', password: PASSWORD });
      expect(Object.keys(res.body)).toEqual(['access']);
      expect(attributesOf(res)).toEqual({
        access: 'Max-Age=900; Path=/; HttpOnly; SameSite=Lax',
        refresh: 'Max-Age=604800; Path=/api/token; HttpOnly; SameSite=Lax',
        csrftoken: 'Max-Age=31449600; Path=/; SameSite=Lax',
      });
    });

    it('changed: Path=/auth, Secure, no HttpOnly, Strict, Domain; the refresh token also in the body', async () => {
      const res = await changed.t.http().post('/api/token/').send({ username: 'alice', password: PASSWORD });
      expect(Object.keys(res.body)).toEqual(['refresh', 'access']);
      expect(attributesOf(res)).toEqual({
        '__Secure-access': 'Max-Age=900; Path=/; Domain=.example.com; Secure; SameSite=Strict',
        refresh: 'Max-Age=604800; Path=/auth; Domain=.example.com; Secure; SameSite=Strict',
        csrftoken: 'Max-Age=31449600; Path=/; Domain=.example.com; Secure; SameSite=Strict',
      });
    });

    it('a __Host- name gets Secure and Path=/ without Domain, and works', async () => {
      const res = await hostPrefixed.t.http().post('/api/token/').send({ username: 'alice', password: PASSWORD });
      expect(attributesOf(res)['__Host-access']).toBe('Max-Age=900; Path=/; Secure; HttpOnly; SameSite=Lax');
      const me = await hostPrefixed.t.http().get('/api/me/').set('Cookie', `__Host-access=${res.body.access}`);
      expect(me.status).toBe(200);
    });
  });

  describe('CORS_ALLOWED_ORIGINS, CORS_ALLOW_CREDENTIALS', () => {
    covers('CORS_ALLOWED_ORIGINS', 'CORS_ALLOW_CREDENTIALS');
    const origins = appWith({ CORS_ALLOWED_ORIGINS: 'https://app.example.com,http://127.0.0.1:5173' });
    const credentials = appWith({ CORS_ALLOWED_ORIGINS: 'https://app.example.com', CORS_ALLOW_CREDENTIALS: 'true' });
    const health = (t: TestApp, origin: string) => t.http().get('/api/health/').set('Origin', origin);

    it('by default no origin may read an answer', async () => {
      expect((await health(base.t, 'https://app.example.com')).headers['access-control-allow-origin']).toBeUndefined();
    });

    it('listed origins may, others not; without CORS_ALLOW_CREDENTIALS not with cookies', async () => {
      for (const origin of ['https://app.example.com', 'http://127.0.0.1:5173']) {
        const res = await health(origins.t, origin);
        expect([res.headers['access-control-allow-origin'], res.headers['access-control-allow-credentials']]).toEqual([origin, undefined]);
      }
      expect((await health(origins.t, 'https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    });

    it('CORS_ALLOW_CREDENTIALS=true: with cookies too', async () => {
      const res = await health(credentials.t, 'https://app.example.com');
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    });
  });

  describe('BODY_LIMIT', () => {
    covers('BODY_LIMIT');
    const app = appWith({ BODY_LIMIT: '1kb' });
    /** A login body of exactly `size` bytes of JSON. */
    const bodyOf = (size: number) => {
      const empty = JSON.stringify({ username: 'alice', password: PASSWORD, pad: '' });
      return JSON.stringify({ username: 'alice', password: PASSWORD, pad: 'x'.repeat(size - empty.length) });
    };
    const post = (t: TestApp, body: string) => t.http().post('/api/token/').set('Content-Type', 'application/json').send(body);

    it('by default a 2 KB body is read', async () => {
      expect((await post(base.t, bodyOf(2048))).status).toBe(200);
    });

    it('1kb: a 2 KB body is a 413, without WWW-Authenticate', async () => {
      const res = await post(app.t, bodyOf(2048));
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ detail: 'Request body is too large.' });
      expect(res.headers['www-authenticate']).toBeUndefined();
    });

    it('1kb: 1024 bytes are read, 1025 are not', async () => {
      expect(bodyOf(1024)).toHaveLength(1024);
      expect((await post(app.t, bodyOf(1024))).status).toBe(200);
      const res = await post(app.t, bodyOf(1025));
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ detail: 'Request body is too large.' });
    });

    it('1kb: a large urlencoded form is a 413 too', async () => {
      const res = await app.t.http().post('/api/token/').type('form').send(`username=alice&password=x&pad=${'x'.repeat(2048)}`);
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ detail: 'Request body is too large.' });
    });
  });

  describe('DEFAULT_PERMISSION_CLASSES', () => {
    covers('DEFAULT_PERMISSION_CLASSES');
    const base = appWith({}, [DefaultRouteModule]);
    const app = appWith({ DEFAULT_PERMISSION_CLASSES: 'IsAdminUser' }, [DefaultRouteModule]);
    const route = (ctx: Ctx, token?: string) => {
      const request = ctx.t.http().get('/test/default/');
      return token ? request.set(bearer(token)) : request;
    };

    it('by default (IsAuthenticated) a route without @Permissions() serves any user, nobody anonymous', async () => {
      const { access } = await pair(base.t);
      expect((await route(base, access)).status).toBe(200);
      const anonymous = await route(base);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual(NO_CREDENTIALS);
    });

    it('IsAdminUser: a user who is not staff is refused 403, a staff user served, nobody anonymous', async () => {
      const { access } = await pair(app.t);
      const refused = await route(app, access);
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ detail: 'You do not have permission to perform this action.' });
      expect(refused.headers['www-authenticate']).toBeUndefined();
      await createUser(app.t, { username: 'root', isStaff: true });
      const login = await app.t.http().post('/api/token/').send({ username: 'root', password: PASSWORD });
      expect(login.status).toBe(200);
      expect((await route(app, login.body.access)).status).toBe(200);
      const anonymous = await route(app);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual(NO_CREDENTIALS);
    });

    describe.each([['AllowAny'], ['IsAuthenticatedOrReadOnly']])('%s', (classes) => {
      const open = appWith({ DEFAULT_PERMISSION_CLASSES: classes }, [DefaultRouteModule]);

      it(`${classes}: a route without @Permissions() serves anonymous GETs; /api/me/ still needs a user`, async () => {
        const served = await route(open);
        expect({ status: served.status, body: served.body }).toEqual({ status: 200, body: { ok: true } });
        const anonymous = await open.t.http().get('/api/me/');
        expect({ status: anonymous.status, body: anonymous.body }).toEqual({ status: 401, body: NO_CREDENTIALS });
        const { access } = await pair(open.t);
        expect((await me(open.t, access)).status).toBe(200);
      });
    });

    it('IsAdminUser: routes that declare their own permissions are not governed by it', async () => {
      expect((await app.t.http().get('/api/health/')).status).toBe(200);
      expect((await app.t.http().post('/api/token/').send({ username: 'alice', password: PASSWORD })).status).toBe(200);
      const { access } = await pair(app.t);
      expect((await me(app.t, access)).status).toBe(200);
    });
  });

  describe('THROTTLE_RATES and NUM_PROXIES', () => {
    covers('THROTTLE_RATES', 'NUM_PROXIES');
    // startApp turns throttling off (THROTTLE_RATES=off); an empty value reads as the default.
    const defaults = appWith({ THROTTLE_RATES: '' });
    const anon = appWith({ THROTTLE_RATES: 'anon=2/minute' });
    const anonBehindProxy = appWith({ THROTTLE_RATES: 'anon=2/minute', NUM_PROXIES: '1' });
    const perUser = appWith({ THROTTLE_RATES: 'user=2/minute' });

    const THROTTLED = /^Request was throttled\. Expected available in (\d+) seconds?\.$/;
    function expectThrottled(res: { status: number; body: { detail?: string }; headers: Record<string, string> }) {
      expect(res.status).toBe(429);
      expect(Object.keys(res.body)).toEqual(['detail']);
      const seconds = THROTTLED.exec(res.body.detail ?? '')?.[1];
      expect(seconds).toBeDefined();
      expect(Number(seconds)).toBeGreaterThanOrEqual(1);
      expect(Number(seconds)).toBeLessThanOrEqual(60);
      expect(res.headers['retry-after']).toBe(seconds);
    }
    const health = (t: TestApp, forwardedFor?: string) => {
      const req = t.http().get('/api/health/');
      return forwardedFor === undefined ? req : req.set('X-Forwarded-For', forwardedFor);
    };

    it('off (what the other specs run with): 25 token requests in a row are never throttled', async () => {
      for (let i = 0; i < 25; i++) {
        const res = await verify(base.t, 'not-a-token');
        expect(res.status).toBe(401);
      }
    });

    it('the default allows 20 token requests a minute per address, then answers 429 with Retry-After', async () => {
      for (let i = 0; i < 20; i++) {
        const res = await verify(defaults.t, 'not-a-token');
        expect(res.status).toBe(401);
        expect(res.body).toEqual(TOKEN_INVALID);
      }
      expectThrottled(await verify(defaults.t, 'not-a-token'));
      expectThrottled(await defaults.t.http().post('/api/token/').send({ username: 'alice', password: PASSWORD }));
      // Other routes are under the anon rate (100/minute), which is not reached.
      expect((await health(defaults.t)).status).toBe(200);
    });

    it('anon=2/minute: a third anonymous request is throttled, whatever X-Forwarded-For says (NUM_PROXIES=0)', async () => {
      expect((await health(anon.t, '10.0.0.1')).status).toBe(200);
      expect((await health(anon.t, '10.0.0.1')).status).toBe(200);
      expectThrottled(await health(anon.t, '10.0.0.2'));
      expectThrottled(await health(anon.t));
    });

    it('anon=2/minute with NUM_PROXIES=1: clients are told apart by X-Forwarded-For', async () => {
      expect((await health(anonBehindProxy.t, '10.0.0.1')).status).toBe(200);
      expect((await health(anonBehindProxy.t, '10.0.0.1')).status).toBe(200);
      expectThrottled(await health(anonBehindProxy.t, '10.0.0.1'));
      // A spoofed first entry does not help: with one proxy, the last address is the client's.
      expectThrottled(await health(anonBehindProxy.t, '10.9.9.9, 10.0.0.1'));
      const other = await health(anonBehindProxy.t, '10.0.0.2');
      expect(other.status).toBe(200);
      expect(other.body).toEqual({ status: 'ok', database: 'ok' });
    });

    it('user=2/minute: throttles each authenticated user on their own', async () => {
      await createUser(perUser.t, { username: 'bob', password: PASSWORD });
      const alice = (await pair(perUser.t)).access;
      const bob = (await perUser.t.http().post('/api/token/').send({ username: 'bob', password: PASSWORD })).body.access;
      expect((await me(perUser.t, alice)).status).toBe(200);
      expect((await me(perUser.t, alice)).status).toBe(200);
      expectThrottled(await me(perUser.t, alice));
      expect((await me(perUser.t, bob)).status).toBe(200);
    });
  });

  describe('LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_LIMIT_PER_ADDRESS, LOGIN_FAILURE_WINDOW, LOGIN_COOLOFF', () => {
    covers('LOGIN_FAILURE_LIMIT', 'LOGIN_FAILURE_LIMIT_PER_ADDRESS', 'LOGIN_FAILURE_WINDOW', 'LOGIN_COOLOFF');
    const limit3 = appWith({ NUM_PROXIES: '1', LOGIN_FAILURE_LIMIT: '3', LOGIN_COOLOFF: '2m' });
    const perAddress2 = appWith({ NUM_PROXIES: '1', LOGIN_FAILURE_LIMIT_PER_ADDRESS: '2' });
    const window1s = appWith({ NUM_PROXIES: '1', LOGIN_FAILURE_LIMIT: '2', LOGIN_FAILURE_WINDOW: '1s' });
    const cooloff1s = appWith({ NUM_PROXIES: '1', LOGIN_FAILURE_LIMIT: '1', LOGIN_COOLOFF: '1s' });
    const off = appWith({ NUM_PROXIES: '1', LOGIN_FAILURE_LIMIT: '0', LOGIN_FAILURE_LIMIT_PER_ADDRESS: '0' });

    const attempt = (t: TestApp, address: string, password = 'wrong', username = 'alice') =>
      t.http().post('/api/token/').set('X-Forwarded-For', address).send({ username, password });
    const locked = (seconds: number) => ({ detail: `Too many failed login attempts. Try again in ${seconds} seconds.`, code: 'login_locked' });
    const NO_ACCOUNT = { detail: 'No active account found with the given credentials' };

    it('by default the tenth failure locks the pair for 15 minutes (the base app, a username nobody has: 9 x 401, then 429 Retry-After 900)', async () => {
      for (let i = 0; i < 9; i++) expect((await attempt(base.t, '127.0.0.1', 'wrong', 'nobody')).status).toBe(401);
      const res = await attempt(base.t, '127.0.0.1', 'wrong', 'nobody');
      expect([res.status, res.body, res.headers['retry-after']]).toEqual([429, locked(900), '900']);
    });

    it('LOGIN_FAILURE_LIMIT=3 and LOGIN_COOLOFF=2m: the third failure locks for 120 seconds', async () => {
      expect([(await attempt(limit3.t, '192.0.2.1')).status, (await attempt(limit3.t, '192.0.2.1')).status]).toEqual([401, 401]);
      const res = await attempt(limit3.t, '192.0.2.1');
      expect([res.status, res.body, res.headers['retry-after']]).toEqual([429, locked(120), '120']);
    });

    it('LOGIN_FAILURE_LIMIT_PER_ADDRESS=2: two failures of different usernames lock the address', async () => {
      expect((await attempt(perAddress2.t, '192.0.2.2', 'wrong', 'someone')).status).toBe(401);
      const res = await attempt(perAddress2.t, '192.0.2.2', 'wrong', 'someone-else');
      expect([res.status, res.body]).toEqual([429, locked(900)]);
      expect((await attempt(perAddress2.t, '192.0.2.2', PASSWORD)).status).toBe(429);
    });

    it('LOGIN_FAILURE_WINDOW=1s: failures more than a second apart never add up to the limit of 2', async () => {
      for (let i = 0; i < 3; i++) {
        expect((await attempt(window1s.t, '192.0.2.3')).status).toBe(401);
        await sleep(1100);
      }
      expect((await attempt(window1s.t, '192.0.2.3')).status).toBe(401);
      expect((await attempt(window1s.t, '192.0.2.3')).status).toBe(429);
    });

    it('LOGIN_COOLOFF=1s: a lock of one second, after which the right password logs in', async () => {
      const res = await attempt(cooloff1s.t, '192.0.2.4');
      expect([res.status, res.body, res.headers['retry-after']]).toEqual([429, { detail: 'Too many failed login attempts. Try again in 1 second.', code: 'login_locked' }, '1']);
      expect((await attempt(cooloff1s.t, '192.0.2.4', PASSWORD)).status).toBe(429);
      await sleep(1100);
      expect((await attempt(cooloff1s.t, '192.0.2.4', PASSWORD)).status).toBe(200);
    });

    it('0 for both limits: no lockout, 15 failures all 401, then the right password logs in', async () => {
      for (let i = 0; i < 15; i++) expect((await attempt(off.t, '192.0.2.5')).body).toEqual(NO_ACCOUNT);
      expect((await attempt(off.t, '192.0.2.5', PASSWORD)).status).toBe(200);
      expect(await sql(off.t.databaseUrl, 'SELECT * FROM login_failure')).toEqual([]);
    });
  });

  describe('OPENAPI_PATH', () => {
    covers('OPENAPI_PATH');
    const app = appWith({ OPENAPI_PATH: 'docs' });

    it('docs: the document is at /docs-json and the explorer at /docs', async () => {
      const json = await app.t.http().get('/docs-json');
      expect(json.status).toBe(200);
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      expect(json.body.openapi).toMatch(/^3\./);
      expect(Object.keys(json.body.paths).length).toBeGreaterThan(0);
      const page = await app.t.http().get('/docs');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
    });

    it('docs: the default place, /api/docs-json, is 404', async () => {
      const res = await app.t.http().get('/api/docs-json');
      expect(res.status).toBe(404);
      expect(res.body).toEqual(NOT_FOUND);
    });

    it('the default, api/docs, serves /api/docs-json (see JWT_TOKEN_PATH above); off serves nothing', async () => {
      for (const path of ['/api/docs-json', '/api/docs', '/docs-json']) {
        const res = await base.t.http().get(path);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(NOT_FOUND);
      }
    });
  });

  describe('DATABASE_POOL_SIZE', () => {
    covers('DATABASE_POOL_SIZE');
    const app = appWith({ DATABASE_POOL_SIZE: '1' });
    const databaseName = (t: TestApp) => new URL(t.databaseUrl).pathname.slice(1);

    /** The app's connections to its database, seen from the maintenance database. */
    const connections = (t: TestApp, except: number) =>
      admin(async (client) => {
        const { rows } = await client.query<{ total: number; waiting: number }>(
          `SELECT count(*)::int AS total, (count(*) FILTER (WHERE wait_event_type = 'Lock'))::int AS waiting
           FROM pg_stat_activity WHERE datname = $1 AND pid <> $2`,
          [databaseName(t), except],
        );
        return rows[0];
      });

    /**
     * Holds auth_user locked while `requests` GET /api/me/ queue on it, so every connection the
     * pool can open is opened and stays busy; answers what pg_stat_activity then shows.
     */
    async function peakUnderLoad(ctx: Ctx, requests: number, expectWaiting: number) {
      const { access } = await pair(ctx.t);
      const locker = new pg.Client({ connectionString: ctx.t.databaseUrl });
      await locker.connect();
      let responses: Promise<{ status: number; body: { id: number; username: string } }>[] = [];
      let seen: { total: number; waiting: number };
      try {
        const { rows } = await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE auth_user IN ACCESS EXCLUSIVE MODE');
        responses = Array.from({ length: requests }, () => me(ctx.t, access).then((res) => res));
        const deadline = Date.now() + 4000;
        do {
          await sleep(50);
          seen = await connections(ctx.t, rows[0].pid);
        } while (seen.waiting < expectWaiting && Date.now() < deadline);
        await sleep(300); // room for a pool that would open more
        seen = await connections(ctx.t, rows[0].pid);
      } finally {
        await locker.query('COMMIT').catch(() => {});
        await locker.end();
      }
      const answered = await Promise.all(responses);
      return { seen, answered };
    }

    it('by default the pool opens up to 10 connections under load', async () => {
      const { seen, answered } = await peakUnderLoad(base, 12, 10);
      expect(seen).toEqual({ total: 10, waiting: 10 });
      expect(answered.map((res) => res.status)).toEqual(Array(12).fill(200));
    });

    it('1: the app holds one connection under the same load, and answers every request', async () => {
      const { seen, answered } = await peakUnderLoad(app, 12, 1);
      expect(seen).toEqual({ total: 1, waiting: 1 });
      expect(answered.map((res) => res.status)).toEqual(Array(12).fill(200));
      expect(answered.every((res) => res.body.id === app.aliceId && res.body.username === 'alice')).toBe(true);
    });

    it('1: 10 concurrent logins, then 10 concurrent refreshes, all succeed on the one connection', async () => {
      const logins = await Promise.all(
        Array.from({ length: 10 }, () => app.t.http().post('/api/token/').send({ username: 'alice', password: PASSWORD }).then((res) => res)),
      );
      expect(logins.map((res) => res.status)).toEqual(Array(10).fill(200));
      const refreshes = await Promise.all(logins.map((res) => refresh(app.t, res.body.refresh).then((r) => r)));
      expect(refreshes.map((res) => res.status)).toEqual(Array(10).fill(200));
      expect(refreshes.every((res) => Object.keys(res.body).join() === 'access,refresh')).toBe(true);
    });

    it('1: 10 concurrent authenticated GET /api/me/ are all answered correctly, on at most 1 connection', async () => {
      const { access } = await pair(app.t);
      const answered = await Promise.all(Array.from({ length: 10 }, () => me(app.t, access).then((res) => res)));
      expect(answered.map((res) => res.status)).toEqual(Array(10).fill(200));
      expect(answered.every((res) => res.body.id === app.aliceId && res.body.username === 'alice')).toBe(true);
      const { total } = await connections(app.t, 0);
      expect(total).toBeLessThanOrEqual(1);
    });
  });
});

describe('database timeouts and the throttle store (in-process apps)', () => {
  const UNAVAILABLE = { detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' };

  /** Runs `work` while another session holds `lock` (a statement taking row or table locks). */
  async function whileLocked<T>(t: TestApp, lock: string, work: () => Promise<T>): Promise<T> {
    const locker = new pg.Client({ connectionString: t.databaseUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(lock);
      return await work();
    } finally {
      await locker.query('COMMIT').catch(() => {});
      await locker.end();
    }
  }
  const LOCK_TOKENS = 'SELECT id FROM token_session FOR UPDATE';
  const timed = async <T>(work: Promise<T>) => {
    const started = Date.now();
    const result = await work;
    return { result, ms: Date.now() - started };
  };

  describe('DATABASE_STATEMENT_TIMEOUT', () => {
    covers('DATABASE_STATEMENT_TIMEOUT');
    const defaults = appWith({});
    const short = appWith({ DATABASE_STATEMENT_TIMEOUT: '1s' });

    it('1s: a refresh stuck behind a row lock is a 503 with Retry-After after about a second; the token still works after', async () => {
      const { refresh: token } = await pair(short.t);
      const { result: res, ms } = await whileLocked(short.t, LOCK_TOKENS, () => timed(refresh(short.t, token)));
      expect([res.status, res.body, res.headers['retry-after']]).toEqual([503, UNAVAILABLE, '5']);
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(2500);
      expect((await refresh(short.t, token)).status).toBe(200); // nothing was half-done
    });

    it('1s: an ORM query stuck behind a table lock (GET /api/notes/) is a 503 after about a second', async () => {
      const { result: res, ms } = await whileLocked(short.t, 'LOCK TABLE notes_note IN ACCESS EXCLUSIVE MODE', () => timed(short.t.http().get('/api/notes/')));
      expect([res.status, res.body]).toEqual([503, UNAVAILABLE]);
      expect(ms).toBeLessThan(2500);
    });

    it('by default (5 s): the same refresh waits about five seconds, then 503', async () => {
      const { refresh: token } = await pair(defaults.t);
      const { result: res, ms } = await whileLocked(defaults.t, LOCK_TOKENS, () => timed(refresh(defaults.t, token)));
      expect([res.status, res.body]).toEqual([503, UNAVAILABLE]);
      expect(ms).toBeGreaterThanOrEqual(4900);
      expect(ms).toBeLessThan(6500);
    });
  });

  describe('DATABASE_POOL_TIMEOUT', () => {
    covers('DATABASE_POOL_TIMEOUT');
    // One connection, held by a refresh stuck behind a row lock for up to 30 s.
    const defaults = appWith({ DATABASE_POOL_SIZE: '1', DATABASE_STATEMENT_TIMEOUT: '30s' });
    const short = appWith({ DATABASE_POOL_SIZE: '1', DATABASE_STATEMENT_TIMEOUT: '30s', DATABASE_POOL_TIMEOUT: '1s' });

    async function waitForTheConnection(ctx: Ctx) {
      const { refresh: token, access } = await pair(ctx.t);
      return whileLocked(ctx.t, LOCK_TOKENS, async () => {
        const stuck = refresh(ctx.t, token).then((res) => res);
        await sleep(300);
        const waited = await timed(me(ctx.t, access).then((res) => res));
        return { waited, stuck };
      });
    }

    it('1s: with the only connection busy, a request waits a second for it, then 503; the busy one finishes', async () => {
      const { waited, stuck } = await waitForTheConnection(short);
      expect([waited.result.status, waited.result.body, waited.result.headers['retry-after']]).toEqual([503, UNAVAILABLE, '5']);
      expect(waited.ms).toBeGreaterThanOrEqual(900);
      expect(waited.ms).toBeLessThan(2500);
      expect((await stuck).status).toBe(200);
    });

    it('by default (3 s): the same request waits about three seconds', async () => {
      const { waited, stuck } = await waitForTheConnection(defaults);
      expect([waited.result.status, waited.result.body]).toEqual([503, UNAVAILABLE]);
      expect(waited.ms).toBeGreaterThanOrEqual(2900);
      expect(waited.ms).toBeLessThan(4500);
      expect((await stuck).status).toBe(200);
    });
  });

  describe('THROTTLE_STORE', () => {
    covers('THROTTLE_STORE');
    const RATES = { THROTTLE_RATES: 'anon=3/minute' };
    let redis: RedisServer;
    const apps: TestApp[] = [];
    beforeAll(async () => {
      redis = await RedisServer.start();
    });
    afterAll(async () => {
      await Promise.all(apps.map((t) => t.close()));
      await redis?.remove();
    });

    /** Two instances on one database with `env`; answers the statuses of 8 anonymous requests alternating between them. */
    async function alternate(env: Record<string, string>): Promise<number[]> {
      const first = await startApp({ ...RATES, ...env });
      const second = await startApp({ ...RATES, ...env }, first.databaseUrl);
      apps.push(first, second);
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await [first, second][i % 2].http().get('/api/health/')).status);
      return statuses;
    }

    it('a redis:// URL: every instance shares one history, so anon=3/minute allows 3 requests in all', async () => {
      expect(await alternate({ THROTTLE_STORE: redis.url })).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
    });

    it('memory (the default): each instance counts on its own, 3 each', async () => {
      expect(await alternate({})).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Process start: the built server, spawned.

/** dist/main.js as it was built when this file started: see snapshotBuild(). */
let MAIN = join(ROOT, 'dist', 'main.js');
const PROCESS_KEY = 'spawned-server-signing-key-0123456789-abcdefghij';
const launch = (env: Record<string, string>) => launchServer(MAIN, env);

async function health(url: string): Promise<{ status: number; body: unknown } | null> {
  try {
    const res = await fetch(`${url}/api/health/`);
    return { status: res.status, body: await res.json() };
  } catch {
    return null;
  }
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function loginAt(url: string): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${url}/api/token/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: PASSWORD }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('settings read at process start (spawned dist/main.js)', () => {
  covers('NODE_ENV', 'HOST', 'PORT', 'LOG_LEVEL', 'LOG_FORMAT', 'ACCESS_LOG', 'DATABASE_URL', 'DATABASE_MIGRATE_ON_START', 'DATA_DIR', 'SHUTDOWN_TIMEOUT');
  const emptyDatabases: string[] = [];
  let tmp: string;
  let databaseUrl: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'settings-e2e-'));
    MAIN = await snapshotBuild(join(tmp, 'build'));
    databaseUrl = await databaseWithUsers({ username: 'alice', password: PASSWORD });
  });
  afterAll(async () => {
    killAll();
    for (const name of emptyDatabases) await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    if (tmp === undefined) return;
    // The link to node_modules goes first, on its own: only the link, never what it points to.
    if (existsSync(join(tmp, 'build', 'node_modules'))) unlinkSync(join(tmp, 'build', 'node_modules'));
    rmSync(tmp, { recursive: true, force: true });
  });

  /** A database with no tables at all (no template): CREATE DATABASE by hand. */
  async function emptyDatabase(): Promise<string> {
    const name = `empty_${randomBytes(6).toString('hex')}`;
    await admin((client) => client.query(`CREATE DATABASE ${name}`));
    emptyDatabases.push(name);
    return withDatabase(databaseUrl, name);
  }

  const tables = async (url: string) =>
    (await sql<{ table_name: string }>(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).map(
      (row) => row.table_name,
    );

  it('defaults (LOG_LEVEL log, HOST 127.0.0.1) with PORT=0 and DATABASE_URL: logs where it listens, serves that database', async () => {
    const server = await launch({ DATABASE_URL: databaseUrl, PORT: '0', JWT_SIGNING_KEY: PROCESS_KEY });
    try {
      const url = await listening(server);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(url).not.toBe('http://127.0.0.1:3000'); // PORT=0 picked a free port
      expect(await health(url)).toEqual({ status: 200, body: { status: 'ok', database: 'ok' } });
      // alice exists only in DATABASE_URL's database.
      const login = await loginAt(url);
      expect(login.status).toBe(200);
      expect(() => jsonwebtoken.verify(login.body.access, PROCESS_KEY)).not.toThrow();
      expect(server.stdout()).toContain(`OpenAPI explorer: ${url}/api/docs`);
      // LOG_FORMAT auto outside production: Nest's console lines; ACCESS_LOG on: a line per request.
      expect(server.stdout()).toMatch(/^\[Nest\] \d+ .* LOG \[AccessLog\] request completed \{"method":"GET","route":"\/api\/health","status":200,/m);
    } finally {
      const exit = await stop(server);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(server.stdout()).toContain('SIGTERM: shutting down');
    }
  });

  it('LOG_FORMAT=json: every line on stdout is a JSON object; ACCESS_LOG=false: none of them an access line', async () => {
    const server = await launch({ DATABASE_URL: databaseUrl, PORT: '0', JWT_SIGNING_KEY: PROCESS_KEY, LOG_FORMAT: 'json', ACCESS_LOG: 'false' });
    let url = '';
    try {
      url = await listening(server);
      expect(await health(url)).toEqual({ status: 200, body: { status: 'ok', database: 'ok' } });
      expect((await loginAt(url)).status).toBe(200);
    } finally {
      expect(await stop(server)).toEqual({ code: 0, signal: null });
    }
    const lines = server.stdout().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((l) => l.msg === `Listening on ${url}/api/`)).toMatchObject({ level: 'info', context: 'Main' });
    expect(lines.find((l) => l.event === 'login_succeeded')).toMatchObject({ level: 'info', context: 'AuthEvents', ip: '127.0.0.1' });
    expect(lines.filter((l) => l.context === 'AccessLog')).toEqual([]);
  });

  it('LOG_LEVEL=warn: serves, but prints no Listening line (nor any log-level line)', async () => {
    const port = await freePort();
    const server = await launch({ DATABASE_URL: databaseUrl, PORT: String(port), JWT_SIGNING_KEY: PROCESS_KEY, LOG_LEVEL: 'warn' });
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitUntil('a healthy server', server, async () => (await health(url))?.status === 200);
      expect((await loginAt(url)).status).toBe(200);
      await sleep(200);
      expect(server.stdout()).not.toContain('Listening');
      expect(server.stdout()).not.toMatch(/\bLOG\b/);
    } finally {
      await stop(server);
    }
  });

  it('HOST and PORT: listens on exactly that address and port, and nowhere else', async () => {
    const port = await freePort();
    const server = await launch({ DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: String(port), JWT_SIGNING_KEY: PROCESS_KEY });
    try {
      const url = await listening(server);
      expect(url).toBe(`http://127.0.0.1:${port}`);
      expect(await health(url)).toEqual({ status: 200, body: { status: 'ok', database: 'ok' } });
      // Another loopback address reaches a server bound to 0.0.0.0, not one bound to 127.0.0.1.
      expect(await accepts('127.0.0.2', port)).toBe(false);
    } finally {
      await stop(server);
    }
  });

  it('a bad value: exits with code 1 and names each bad variable', async () => {
    const server = await launch({ DATABASE_URL: databaseUrl, PORT: '70000', DATABASE_MIGRATE_ON_START: 'sometimes', JWT_SIGNING_KEY: PROCESS_KEY });
    const exit = await within(server.closed, 30000);
    expect(exit).toEqual({ code: 1, signal: null });
    expect(server.stderr()).toContain('Invalid configuration:');
    expect(server.stderr()).toContain('PORT: expected a whole number from 0 to 65535, got "70000"');
    expect(server.stderr()).toContain('DATABASE_MIGRATE_ON_START: expected one of auto, true, false, got "sometimes"');
    expect(server.stdout()).not.toContain('Listening');
  });

  it('NODE_ENV=production without JWT_SIGNING_KEY: exits with code 1 naming JWT_SIGNING_KEY', async () => {
    const server = await launch({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: '0', DATA_DIR: join(tmp, 'prod') });
    const exit = await within(server.closed, 30000);
    expect(exit).toEqual({ code: 1, signal: null });
    expect(server.stderr()).toContain('JWT_SIGNING_KEY: required in production');
    expect(existsSync(join(tmp, 'prod', 'signing-key'))).toBe(false);
  });

  it('NODE_ENV=production with a 31-byte key: exits 1; with a 32-byte key: serves', async () => {
    const weak = await launch({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: '0', JWT_SIGNING_KEY: 'k'.repeat(31) });
    expect(await within(weak.closed, 30000)).toEqual({ code: 1, signal: null });
    expect(weak.stderr()).toContain('JWT_SIGNING_KEY: must be at least 32 bytes in production');
    const strong = await launch({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, PORT: '0', JWT_SIGNING_KEY: 'k'.repeat(32) });
    try {
      const url = await listening(strong);
      expect((await loginAt(url)).status).toBe(200);
    } finally {
      await stop(strong);
    }
  });

  it('NODE_ENV=development (the default) without a key: generates one into DATA_DIR, and tokens survive a restart', async () => {
    const dataDir = join(tmp, 'data-a');
    const first = await launch({ DATABASE_URL: databaseUrl, PORT: '0', DATA_DIR: dataDir });
    let access: string;
    try {
      const url = await listening(first);
      const login = await loginAt(url);
      expect(login.status).toBe(200);
      access = login.body.access;
    } finally {
      await stop(first);
    }
    const key = readFileSync(join(dataDir, 'signing-key'), 'utf8').trim();
    expect(() => jsonwebtoken.verify(access, key)).not.toThrow();

    const again = await launch({ DATABASE_URL: databaseUrl, PORT: '0', DATA_DIR: dataDir });
    try {
      const url = await listening(again);
      const res = await fetch(`${url}/api/me/`, { headers: bearer(access) });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ username: 'alice' });
    } finally {
      await stop(again);
    }
  });

  it('DATA_DIR: another directory is another key, so the same token is refused', async () => {
    const first = await launch({ DATABASE_URL: databaseUrl, PORT: '0', DATA_DIR: join(tmp, 'data-b') });
    let access: string;
    try {
      access = (await loginAt(await listening(first))).body.access;
    } finally {
      await stop(first);
    }
    const other = await launch({ DATABASE_URL: databaseUrl, PORT: '0', DATA_DIR: join(tmp, 'data-c') });
    try {
      const url = await listening(other);
      const res = await fetch(`${url}/api/me/`, { headers: bearer(access) });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(notValidForAny([ACCESS, 'Token is invalid']));
      expect(readFileSync(join(tmp, 'data-c', 'signing-key'), 'utf8')).not.toBe(readFileSync(join(tmp, 'data-b', 'signing-key'), 'utf8'));
    } finally {
      await stop(other);
    }
  });

  it('DATABASE_MIGRATE_ON_START=true on an empty database: creates the tables', async () => {
    const url = await emptyDatabase();
    expect(await tables(url)).toEqual([]);
    const server = await launch({ DATABASE_URL: url, PORT: '0', JWT_SIGNING_KEY: PROCESS_KEY, DATABASE_MIGRATE_ON_START: 'true' });
    try {
      const base = await listening(server);
      // Every table the migrations make: those of the template database the harness migrated.
      const migrated = await tables(withDatabase(databaseUrl, 'app_test_template'));
      expect(migrated).toEqual(expect.arrayContaining(['auth_user', 'token_blacklist_blacklistedtoken', 'token_blacklist_outstandingtoken', 'typeorm_migrations']));
      expect(await tables(url)).toEqual(migrated);
      expect(server.stdout()).toContain('Applied migration CreateAuthUser1732406300000');
      expect(server.stdout()).toContain('Applied migration CreateTokenBlacklist1732406400000');
      const login = await loginAt(base);
      expect(login.status).toBe(401);
      expect(login.body).toEqual({ detail: 'No active account found with the given credentials' });
    } finally {
      await stop(server);
    }
  });

  it.each([['false'], ['auto']])('DATABASE_MIGRATE_ON_START=%s with DATABASE_URL on an empty database: leaves it empty', async (value) => {
    const url = await emptyDatabase();
    const server = await launch({ DATABASE_URL: url, PORT: '0', JWT_SIGNING_KEY: PROCESS_KEY, DATABASE_MIGRATE_ON_START: value });
    try {
      await waitUntil('the Listening line or an exit', server, () => /Listening on/.test(server.stdout()) || !running(server.child));
      expect(server.stdout()).not.toContain('Applied migration');
      expect(await tables(url)).toEqual([]);
    } finally {
      await stop(server);
    }
  });

  it('DATABASE_MIGRATE_ON_START=false on an unmigrated database: refuses to start saying why, or keeps serving; never announces Listening and then crashes', async () => {
    const url = await emptyDatabase();
    const server = await launch({ DATABASE_URL: url, PORT: '0', JWT_SIGNING_KEY: PROCESS_KEY, DATABASE_MIGRATE_ON_START: 'false' });
    try {
      await waitUntil('the Listening line or an exit', server, () => /Listening on/.test(server.stdout()) || !running(server.child));
      const announced = /Listening on (http:\/\/\S+)\/api\//.exec(server.stdout());
      if (announced === null) {
        // Refused: with a word about migrations, not a bare stack trace.
        expect(await within(server.closed, 10000)).toEqual({ code: 1, signal: null });
        expect(server.stderr()).toMatch(/migrat/i);
      } else {
        await sleep(1500);
        expect({ running: running(server.child), stderr: server.stderr() }).toEqual({ running: true, stderr: '' });
        expect(await health(announced[1])).toEqual({ status: 200, body: { status: 'ok', database: 'ok' } });
      }
    } finally {
      await stop(server);
    }
  });

  /** SIGTERM while a refresh waits on a row lock that is released `holdMs` later; what came of both. */
  async function sigtermDuring(env: Record<string, string>, holdMs: number) {
    const server = launch({ DATABASE_URL: databaseUrl, PORT: '0', JWT_SIGNING_KEY: PROCESS_KEY, DATABASE_STATEMENT_TIMEOUT: '30s', ...env });
    try {
      const url = await listening(server);
      const { refresh } = (await loginAt(url)).body;
      const locker = new pg.Client({ connectionString: databaseUrl });
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('SELECT id FROM token_session FOR UPDATE');
      const pending = fetch(`${url}/api/token/refresh/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refresh }) });
      await sleep(300);
      const started = Date.now();
      process.kill(server.child.pid!, 'SIGTERM');
      setTimeout(() => void locker.query('COMMIT').finally(() => locker.end()), holdMs);
      const res = await pending;
      const exit = await within(server.closed, 20000);
      return { status: res.status, connection: res.headers.get('connection'), exit, ms: Date.now() - started, log: server.stdout() + server.stderr() };
    } finally {
      await stop(server);
    }
  }

  it('SHUTDOWN_TIMEOUT=1s: a request still running a second after SIGTERM gets 503, the log names it, the exit code is 1', async () => {
    const { status, connection, exit, ms, log } = await sigtermDuring({ SHUTDOWN_TIMEOUT: '1s' }, 4000);
    expect({ status, connection, exit }).toEqual({ status: 503, connection: 'close', exit: { code: 1, signal: null } });
    expect(ms).toBeLessThan(4000);
    expect(log).toMatch(/Shutdown deadline \(1\.0 s\) passed: cut 1 request\(s\) still running: POST \/api\/token\/refresh\/ \(running \d+\.\d s\)/);
  });

  it('SHUTDOWN_TIMEOUT by default (10 s): a request that needs 2 s more finishes with 200, and the exit code is 0', async () => {
    const { status, connection, exit, ms, log } = await sigtermDuring({}, 2000);
    expect({ status, connection, exit }).toEqual({ status: 200, connection: 'close', exit: { code: 0, signal: null } });
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(log).toMatch(/Shut down in \d+\.\d s \(SIGTERM\): 1 in-flight request\(s\) finished, 0 turned away with 503\n/);
    expect(log).not.toContain('Shutdown deadline');
  });

  describe('METRICS_PORT, METRICS_HOST, FLUSH_EXPIRED_TOKENS_INTERVAL', () => {
    covers('METRICS_PORT', 'METRICS_HOST', 'FLUSH_EXPIRED_TOKENS_INTERVAL');

    it('METRICS_PORT: Prometheus metrics at /metrics on that port, on METRICS_HOST (127.0.0.1) only', async () => {
      const port = await freePort();
      const server = launch({ DATABASE_URL: databaseUrl, PORT: '0', METRICS_PORT: String(port), JWT_SIGNING_KEY: PROCESS_KEY });
      try {
        const url = await listening(server);
        // The Metrics line follows the Listening line, and may reach the pipe in a later chunk.
        await waitUntil('the Metrics line', server, () => server.stdout().includes(`Metrics: http://127.0.0.1:${port}/metrics\n`));
        expect((await health(url))?.status).toBe(200);
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(res.status).toBe(200);
        expect(await res.text()).toMatch(/^http_requests_total\{method="GET",route="\/api\/health",status="200"\} 1$/m);
        expect(await accepts('127.0.0.2', port)).toBe(false);
      } finally {
        await stop(server);
      }
    });

    it('METRICS_HOST: where the metrics server listens (an address not of this machine stops the start, naming it)', async () => {
      const server = launch({ DATABASE_URL: databaseUrl, PORT: '0', METRICS_PORT: String(await freePort()), METRICS_HOST: '192.0.2.1', JWT_SIGNING_KEY: PROCESS_KEY });
      expect(await within(server.closed, 30000)).toEqual({ code: 1, signal: null });
      expect(server.stderr()).toBe('192.0.2.1 is not an address of this machine (EADDRNOTAVAIL): set METRICS_HOST to one of its addresses\n');
    });

    it('FLUSH_EXPIRED_TOKENS_INTERVAL=1s: the server deletes expired tokens itself, and says so', async () => {
      await sql(
        databaseUrl,
        `INSERT INTO token_blacklist_outstandingtoken (jti, user_id, created_at, expires_at) VALUES ('settings-flush-expired', '1', now() - interval '2 days', now() - interval '1 day')`,
      );
      const server = launch({ DATABASE_URL: databaseUrl, PORT: '0', FLUSH_EXPIRED_TOKENS_INTERVAL: '1s', JWT_SIGNING_KEY: PROCESS_KEY });
      try {
        await listening(server);
        await waitUntil('a flush round', server, () => /\[TokenPruner\] Flushed expired tokens in \d+ ms: deleted [1-9]\d* expired tokens?/.test(server.stdout()));
        expect(await sql(databaseUrl, `SELECT jti FROM token_blacklist_outstandingtoken WHERE jti = 'settings-flush-expired'`)).toEqual([]);
      } finally {
        await stop(server);
      }
    });
  });
});

it('every setting is exercised above', () => {
  expect([...covered].sort()).toEqual(Object.keys(SETTINGS).sort());
});
