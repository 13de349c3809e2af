import { createHash, type KeyObject } from 'node:crypto';
import type { Algorithm } from '../auth.options.js';

/** A public JWK as the JWKS publishes it (RFC 7517): never a private or secret member. */
export interface PublicJwk {
  readonly kty: string;
  readonly use: 'sig';
  readonly alg: Algorithm;
  readonly kid: string;
  readonly [member: string]: string;
}

/** RFC 7638 §3.2: the members a thumbprint covers, per key type, in lexicographic order. */
const REQUIRED: Record<string, readonly string[]> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  oct: ['k', 'kty'],
};

/**
 * The RFC 7638 JWK thumbprint (SHA-256, base64url) of a key. For an HMAC secret it is a hash of
 * the secret: it tells no more than any token it signed does (each is a way to check a guessed
 * secret offline), so it may be a token's `kid`; it is never published.
 */
export function jwkThumbprint(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' }) as Record<string, string>;
  const members = REQUIRED[jwk.kty];
  const canonical = `{${members.map((name) => `${JSON.stringify(name)}:${JSON.stringify(jwk[name])}`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

/** The public JWK of a public key, with its one algorithm and its kid. */
export function publicJwk(key: KeyObject, algorithm: Algorithm, kid: string): PublicJwk {
  if (key.type !== 'public') throw new Error('only a public key is published');
  const { kty, ...members } = key.export({ format: 'jwk' }) as Record<string, string>;
  const publicMembers = Object.fromEntries(REQUIRED[kty].filter((name) => name !== 'kty').map((name) => [name, members[name]]));
  return { kty, use: 'sig', alg: algorithm, kid, ...publicMembers };
}
