import { constants, createHmac, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { Algorithm } from '../auth.options.js';

/**
 * JWS signing and verification for one algorithm with keys made once (KeyObjects), on
 * node:crypto directly: the same bytes jsonwebtoken produces and checks, without its per-call
 * option validation and parsing (measured: about 26 µs per verify through passport-jwt's
 * jsonwebtoken → jws → jwa chain, a few µs here).
 */
export interface Jws {
  /** The signature (base64url) of `signingInput` (`<header>.<payload>`). */
  sign(signingInput: string): string;
  /** Whether `signature` (base64url) signs `signingInput`; constant time for HMAC. */
  verify(signingInput: string, signature: string): boolean;
}

const HASH = { '256': 'sha256', '384': 'sha384', '512': 'sha512' } as const;

export function jwsFor(algorithm: Algorithm, signingKey: KeyObject, verifyingKey: KeyObject): Jws {
  const family = algorithm.slice(0, 2);
  const hash = HASH[algorithm.slice(2) as keyof typeof HASH];
  if (family === 'HS') {
    const mac = (input: string) => createHmac(hash, signingKey).update(input).digest();
    return {
      sign: (input) => mac(input).toString('base64url'),
      verify: (input, signature) => {
        const expected = mac(input);
        const given = Buffer.from(signature, 'base64url');
        return given.length === expected.length && timingSafeEqual(given, expected);
      },
    };
  }
  const options =
    family === 'PS'
      ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : family === 'ES'
        ? { dsaEncoding: 'ieee-p1363' as const }
        : {};
  return {
    sign: (input) => sign(hash, Buffer.from(input), { key: signingKey, ...options }).toString('base64url'),
    verify: (input, signature) => {
      try {
        return verify(hash, Buffer.from(input), { key: verifyingKey, ...options }, Buffer.from(signature, 'base64url'));
      } catch {
        return false;
      }
    },
  };
}
