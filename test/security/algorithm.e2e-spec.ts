// Algorithms: one algorithm per key, chosen by the server, never by the token (RFC 8725 §3.1,
// §2.1); EdDSA on Ed25519 keys, named `EdDSA` as PyJWT writes it or `Ed25519` as RFC 9864 does.
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { jwkThumbprint } from '@nest-simplejwt/auth';
import { dropDatabases } from '../support/database.js';
import { decode, login } from '../support/test-app.js';
import { accessClaims, refreshClaims } from '../support/tokens.js';
import { appWith, forge, me, refresh, refusedEverywhere, verify } from './forge.js';

const pem = (key: KeyObject) => key.export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString();

/** An app signing with `privateKey` under `algorithm`, and alice. */
const appSigningWith = (algorithm: string, privateKey: KeyObject) => appWith({ JWT_ALGORITHM: algorithm, JWT_SIGNING_KEY: pem(privateKey) });

afterAll(async () => {
  await dropDatabases();
});

describe('security: algorithms on an RS256 key', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = jwkThumbprint(rsa.publicKey);
  const app = appSigningWith('RS256', rsa.privateKey);

  it.each<[string, () => string]>([
    ['HS256 keyed with the public key PEM (algorithm confusion)', () => forge({ alg: 'HS256', typ: 'JWT' }, accessClaims(app.alice), 'HS256', pem(rsa.publicKey))],
    ["HS256 keyed with the public key PEM, naming the RSA key's kid", () => forge({ alg: 'HS256', kid, typ: 'JWT' }, accessClaims(app.alice), 'HS256', pem(rsa.publicKey))],
    ['RS256 signed by another RSA key', () => forge({ alg: 'RS256', typ: 'JWT' }, accessClaims(app.alice), 'RS256', other.privateKey)],
    ["RS256 signed by another RSA key, naming this key's kid", () => forge({ alg: 'RS256', kid, typ: 'JWT' }, accessClaims(app.alice), 'RS256', other.privateKey)],
    ['PS256 on the same key (another algorithm)', () => forge({ alg: 'PS256', typ: 'JWT' }, accessClaims(app.alice), 'PS256', rsa.privateKey)],
    ['RS384 on the same key', () => forge({ alg: 'RS384', typ: 'JWT' }, accessClaims(app.alice), 'RS384', rsa.privateKey)],
    ['ES256 from an EC key', () => forge({ alg: 'ES256', typ: 'JWT' }, accessClaims(app.alice), 'ES256', ec.privateKey)],
    ['alg none naming the kid', () => forge({ alg: 'none', kid, typ: 'JWT' }, accessClaims(app.alice), 'HS256', 'x')],
  ])('refuses %s', async (_case, make) => {
    await refusedEverywhere(app.t, make());
  });

  it('accepts an RS256 token without kid (as SimpleJWT writes them) and one with its kid', async () => {
    for (const header of [{ alg: 'RS256', typ: 'JWT' }, { alg: 'RS256', kid, typ: 'JWT' }]) {
      const res = await me(app.t, forge(header, accessClaims(app.alice), 'RS256', rsa.privateKey));
      expect([res.status, res.body.id]).toEqual([200, app.alice]);
    }
  });
});

describe('security: EdDSA (Ed25519)', () => {
  const ed = generateKeyPairSync('ed25519');
  const stranger = generateKeyPairSync('ed25519');
  const kid = jwkThumbprint(ed.publicKey);
  const app = appSigningWith('EdDSA', ed.privateKey);

  it('issues tokens with alg EdDSA and its kid, that work as bearer and refresh tokens', async () => {
    const pair = await login(app.t, 'alice');
    expect(decode(pair.access).header).toEqual({ alg: 'EdDSA', kid, typ: 'JWT' });
    expect((await me(app.t, pair.access)).status).toBe(200);
    const res = await refresh(app.t, pair.refresh);
    expect(res.status).toBe(200);
    expect(decode(res.body.refresh).header.alg).toBe('EdDSA');
  });

  it.each([
    ['EdDSA without kid', { alg: 'EdDSA', typ: 'JWT' }],
    ["Ed25519 (RFC 9864's name) with the kid", { alg: 'Ed25519', kid, typ: 'JWT' }],
    ['Ed25519 without kid', { alg: 'Ed25519' }],
  ])('accepts %s', async (_case, header) => {
    const token = forge(header, accessClaims(app.alice), 'EdDSA', ed.privateKey);
    expect((await me(app.t, token)).status).toBe(200);
    expect((await verify(app.t, token)).body).toEqual({});
  });

  it.each<[string, () => string]>([
    ['a token signed by another Ed25519 key', () => forge({ alg: 'EdDSA', typ: 'JWT' }, accessClaims(app.alice), 'EdDSA', stranger.privateKey)],
    ['alg ES256 over an Ed25519 signature', () => forge({ alg: 'ES256', typ: 'JWT' }, accessClaims(app.alice), 'EdDSA', ed.privateKey)],
    ['alg ed25519 in lower case', () => forge({ alg: 'ed25519', typ: 'JWT' }, accessClaims(app.alice), 'EdDSA', ed.privateKey)],
    ['alg Ed448', () => forge({ alg: 'Ed448', typ: 'JWT' }, accessClaims(app.alice), 'EdDSA', ed.privateKey)],
    ['HS256 keyed with the Ed25519 public key PEM', () => forge({ alg: 'HS256', typ: 'JWT' }, accessClaims(app.alice), 'HS256', pem(ed.publicKey))],
    ['an EdDSA signature cut short by a byte', () => {
      const [h, p, s] = forge({ alg: 'EdDSA', typ: 'JWT' }, accessClaims(app.alice), 'EdDSA', ed.privateKey).split('.');
      return `${h}.${p}.${Buffer.from(s, 'base64url').subarray(0, 63).toString('base64url')}`;
    }],
  ])('refuses %s', async (_case, make) => {
    await refusedEverywhere(app.t, make());
  });
});

describe('security: ECDSA on an ES256 key', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const app = appSigningWith('ES256', ec.privateKey);

  it.each<[string, () => string]>([
    ['a DER-encoded signature (JWS wants r || s)', () => forge({ alg: 'ES256', typ: 'JWT' }, accessClaims(app.alice), 'ES256-DER', ec.privateKey)],
    ['alg ES384 on the P-256 key', () => forge({ alg: 'ES384', typ: 'JWT' }, accessClaims(app.alice), 'ES256', ec.privateKey)],
    ['an all-zero signature (r = s = 0, the "psychic signature")', () => {
      const [h, p] = forge({ alg: 'ES256', typ: 'JWT' }, accessClaims(app.alice), 'ES256', ec.privateKey).split('.');
      return `${h}.${p}.${Buffer.alloc(64).toString('base64url')}`;
    }],
  ])('refuses %s', async (_case, make) => {
    await refusedEverywhere(app.t, make());
  });

  it('accepts a refresh token it signed, at refresh', async () => {
    const res = await refresh(app.t, forge({ alg: 'ES256', kid: jwkThumbprint(createPublicKey(ec.privateKey)), typ: 'JWT' }, refreshClaims(app.alice), 'ES256', ec.privateKey));
    expect(res.status).toBe(200);
  });
});
