import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ALGORITHMS, keyProblem, resolveSettings, type Algorithm } from '@nest-simplejwt/auth';
import { generateSigningKey } from './generate-key.js';

describe('generateSigningKey (the CLI generatekey command)', () => {
  it.each([
    ['HS256', 32],
    ['HS384', 48],
    ['HS512', 64],
  ] as const)('%s: a random base64url secret of %i bytes, new each time', (algorithm, bytes) => {
    const key = generateSigningKey(algorithm);
    expect(key).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(key, 'base64url')).toHaveLength(bytes);
    expect(generateSigningKey(algorithm)).not.toBe(key);
  });

  it.each([
    ['RS256', 'rsa', 2048],
    ['PS256', 'rsa', 2048],
    ['RS384', 'rsa', 3072],
    ['ES256', 'ec', 'prime256v1'],
    ['ES384', 'ec', 'secp384r1'],
    ['ES512', 'ec', 'secp521r1'],
    ['EdDSA', 'ed25519', undefined],
  ] as const)('%s: a PKCS#8 PEM private key (%s %s)', (algorithm, type, detail) => {
    const pem = generateSigningKey(algorithm);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    const key = createPrivateKey(pem);
    expect(key.asymmetricKeyType).toBe(type);
    const details = key.asymmetricKeyDetails ?? {};
    if (type === 'rsa') expect(details.modulusLength).toBe(detail);
    if (type === 'ec') expect(details.namedCurve).toBe(detail);
  });

  it('makes, for every algorithm, a key the settings accept as SIGNING_KEY (it signs and verifies once at start)', () => {
    for (const algorithm of ALGORITHMS.filter((a) => a !== 'RS512' && a !== 'PS512') as Algorithm[]) {
      const settings = resolveSettings({ ALGORITHM: algorithm, SIGNING_KEY: generateSigningKey(algorithm) });
      expect(keyProblem(algorithm, settings.SIGNING_KEY)).toBeNull();
    }
  });

  it('refuses an algorithm it does not know, naming the choices', () => {
    expect(() => generateSigningKey('none' as Algorithm)).toThrow('expected one of HS256, HS384, HS512, RS256');
  });
});
