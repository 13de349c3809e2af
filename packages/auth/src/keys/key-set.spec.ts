import { createPublicKey, createSecretKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { resolveSettings } from '../auth.settings.js';
import { jwkThumbprint } from './jwk.js';
import { extraKeyMaterial } from './key-material.js';
import { parseJwks } from './remote-jwks.js';

const pem = (key: ReturnType<typeof generateKeyPairSync>['publicKey']) => key.export({ type: key.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString();

describe('jwkThumbprint (RFC 7638)', () => {
  it('gives the RFC 7638 §3.1 example thumbprint', () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    const key = createPublicKey({ key: { kty: 'RSA', n, e: 'AQAB' }, format: 'jwk' });
    expect(jwkThumbprint(key)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it("takes an HMAC secret's JWK ({k, kty: oct}) too", () => {
    expect(jwkThumbprint(createSecretKey(Buffer.from('secret')))).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('KeySet (resolveSettings KEYS)', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ed = generateKeyPairSync('ed25519');
  const dir = mkdtempSync(join(tmpdir(), 'keyset-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the current key without a kid, every key by its kid, nothing by another kid', () => {
    const keys = resolveSettings({ ALGORITHM: 'ES256', SIGNING_KEY: ec.privateKey, EXTRA_VERIFYING_KEYS: `${pem(rsa.publicKey)}\n${pem(ed.publicKey)}` }).KEYS;
    expect(keys.find(undefined)).toBe(keys.current);
    expect(keys.current.kid).toBe(jwkThumbprint(ec.publicKey));
    expect(keys.find(jwkThumbprint(rsa.publicKey))?.algorithm).toBe('RS256');
    expect(keys.find(jwkThumbprint(ed.publicKey))?.names).toEqual(['EdDSA', 'Ed25519']);
    expect(keys.find('nope')).toBeUndefined();
  });

  it('publishes public keys only: none with HMAC, the public ones beside HMAC secrets', () => {
    expect(resolveSettings({ SIGNING_KEY: 's', EXTRA_VERIFYING_KEYS: 'a,b' }).KEYS.publicJwks()).toEqual({ keys: [] });
    const mixed = resolveSettings({ ALGORITHM: 'EdDSA', SIGNING_KEY: ed.privateKey, EXTRA_VERIFYING_KEYS: ['old-secret', rsa.publicKey] }).KEYS.publicJwks();
    expect(mixed.keys.map((key) => [key.kty, key.alg])).toEqual([['OKP', 'EdDSA'], ['RSA', 'RS256']]);
    expect(JSON.stringify(mixed)).not.toContain('old-secret');
  });

  it('reads file: entries, comma-separated, each holding PEM blocks or one secret (its last newline dropped)', () => {
    writeFileSync(join(dir, 'two.pem'), `${pem(rsa.publicKey)}${pem(ed.publicKey)}`);
    writeFileSync(join(dir, 'secret'), 'a-secret\n');
    const keys = extraKeyMaterial(`file:${join(dir, 'two.pem')}, file:${join(dir, 'secret')}`);
    expect(keys.map((entry) => entry.key.type)).toEqual(['public', 'public', 'secret']);
    expect(keys[2].key.export().toString()).toBe('a-secret');
  });

  it('takes an object entry with its own algorithm and kid', () => {
    const keys = resolveSettings({ ALGORITHM: 'ES256', SIGNING_KEY: ec.privateKey, EXTRA_VERIFYING_KEYS: [{ key: rsa.publicKey, algorithm: 'PS256', kid: 'old' }] }).KEYS;
    expect(keys.find('old')?.names).toEqual(['PS256']);
  });

  it('lists the same key twice without complaint, and the signing header carries the kid', () => {
    const keys = resolveSettings({ ALGORITHM: 'ES256', SIGNING_KEY: ec.privateKey, EXTRA_VERIFYING_KEYS: [ec.publicKey, ec.publicKey] }).KEYS;
    expect(keys.publicJwks().keys).toHaveLength(1);
    const header = JSON.parse(Buffer.from(keys.sign({ a: 1 }).split('.')[0], 'base64url').toString());
    expect(header).toEqual({ alg: 'ES256', kid: jwkThumbprint(ec.publicKey), typ: 'JWT' });
  });

  it.each([
    ['an RSA key for PS256 named ES256', { EXTRA_VERIFYING_KEYS: [{ key: rsa.publicKey, algorithm: 'ES256' as const }] }, 'EXTRA_VERIFYING_KEYS[0]: ES256 needs an EC prime256v1 key'],
    ['two keys under one kid', { EXTRA_VERIFYING_KEYS: [{ key: rsa.publicKey, kid: 'k' }, { key: ed.publicKey, kid: 'k' }] }, `EXTRA_VERIFYING_KEYS[1]: kid "k" is already another key's`],
    ['a PEM that is not one', { EXTRA_VERIFYING_KEYS: '-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----' }, 'EXTRA_VERIFYING_KEYS: a key needs a PEM public key'],
    ['a file that is not there', { EXTRA_VERIFYING_KEYS: `file:${join(dir, 'missing')}` }, 'cannot read'],
    ['an RSA key of 1024 bits', { ALGORITHM: 'RS256' as const, SIGNING_KEY: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey }, 'SIGNING_KEY: RS256 needs an RSA key of 2048 bits or more, not 1024'],
    ['an EC key for EdDSA', { ALGORITHM: 'EdDSA' as const }, 'SIGNING_KEY: EdDSA needs an Ed25519 key, not a ec prime256v1 key'],
    ['a KEY_ID of 300 characters', { KEY_ID: 'k'.repeat(300) }, 'KEY_ID'],
    ['a JWK_URL that is not a URL', { JWK_URL: 'not a url' }, 'JWK_URL: not a URL'],
    ['a JWK_TIMEOUT of 0', { JWK_TIMEOUT: 0 }, 'JWK_TIMEOUT: must be more than 0'],
  ])('refuses %s', (_case, options, message) => {
    expect(() => resolveSettings({ ALGORITHM: 'ES256', SIGNING_KEY: ec.privateKey, ...options })).toThrow(message);
  });
});

describe("parseJwks (JWK_URL's document)", () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...ec.publicKey.export({ format: 'jwk' }), kid: 'a' };

  it('keeps signing keys with a kid, each with one algorithm; leaves out secrets, encryption keys, kid-less and bad keys', () => {
    const keys = parseJwks(
      JSON.stringify({
        keys: [jwk, { ...jwk, kid: 'b', alg: 'ES384' }, { ...jwk, kid: 'c', use: 'enc' }, { kty: 'oct', k: 'AAAA', kid: 'd' }, { ...jwk, kid: undefined }, { kty: 'RSA', kid: 'e', n: 'x', e: 'AQAB' }, 'junk', { ...jwk, kid: 'f', alg: 'HS256' }],
      }),
    );
    expect([...keys.keys()]).toEqual(['a']);
    expect(keys.get('a')?.algorithm).toBe('ES256');
  });

  it('refuses a document without keys', () => {
    expect(() => parseJwks('{"keys": {}}')).toThrow('answered no JWKS');
    expect(() => parseJwks('[]')).toThrow('answered no JWKS');
  });
});
