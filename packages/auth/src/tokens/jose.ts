import { constants, createHmac, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { Algorithm } from '../auth.options.js';

/**
 * Whether `signature` (base64url) signs `signingInput` (`<header>.<payload>`) with the verifying
 * key, for one algorithm; constant time for HMAC. JWS verification on node:crypto and a
 * KeyObject made once: what jsonwebtoken checks, without its per-call option validation and
 * parsing (measured: about 26 µs per verify through passport-jwt's jsonwebtoken → jws → jwa chain).
 */
export type JwsVerifier = (signingInput: string, signature: string) => boolean;

/** The base64url signature of `signingInput` with the signing key, for one algorithm. */
export type JwsSigner = (signingInput: string) => string;

const HASH = { '256': 'sha256', '384': 'sha384', '512': 'sha512' } as const;
const CURVE = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' } as const;

/** Names a token's `alg` may give for a key of `algorithm`: RFC 9864's `Ed25519` is `EdDSA` on an Ed25519 key. */
export function algorithmNames(algorithm: Algorithm): readonly string[] {
  return algorithm === 'EdDSA' ? ['EdDSA', 'Ed25519'] : [algorithm];
}

/** node:crypto's options for one algorithm: the hash (null for EdDSA) and the padding or encoding. */
function primitive(algorithm: Algorithm) {
  const family = algorithm.slice(0, 2);
  const hash = algorithm === 'EdDSA' ? null : HASH[algorithm.slice(2) as keyof typeof HASH];
  const options =
    family === 'PS'
      ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
      : family === 'ES'
        ? { dsaEncoding: 'ieee-p1363' as const }
        : {};
  return { family, hash, options };
}

export function jwsVerifier(algorithm: Algorithm, verifyingKey: KeyObject): JwsVerifier {
  const { family, hash, options } = primitive(algorithm);
  if (family === 'HS') {
    return (input, signature) => {
      const expected = createHmac(hash!, verifyingKey).update(input).digest();
      const given = Buffer.from(signature, 'base64url');
      return given.length === expected.length && timingSafeEqual(given, expected);
    };
  }
  return (input, signature) => {
    try {
      return verify(hash, Buffer.from(input), { key: verifyingKey, ...options }, Buffer.from(signature, 'base64url'));
    } catch {
      return false;
    }
  };
}

export function jwsSigner(algorithm: Algorithm, signingKey: KeyObject): JwsSigner {
  const { family, hash, options } = primitive(algorithm);
  if (family === 'HS') return (input) => createHmac(hash!, signingKey).update(input).digest('base64url');
  return (input) => sign(hash, Buffer.from(input), { key: signingKey, ...options }).toString('base64url');
}

/**
 * Why `key` cannot serve `algorithm`, or null when it can: one algorithm per key, so an RSA key
 * never verifies an HMAC token (the classic public-key-as-secret confusion) nor a P-384 key ES256.
 */
export function keyProblem(algorithm: Algorithm, key: KeyObject): string | null {
  const family = algorithm.slice(0, 2);
  const type = key.type === 'secret' ? 'secret' : key.asymmetricKeyType;
  if (family === 'HS') return type === 'secret' ? null : `${algorithm} needs an HMAC secret, not a ${describeKey(key)} key`;
  if (type === 'secret') return `${algorithm} needs a PEM key, not an HMAC secret`;
  if (family === 'RS' || family === 'PS') {
    if (type !== 'rsa' && !(family === 'PS' && type === 'rsa-pss')) return `${algorithm} needs an RSA key, not a ${describeKey(key)} key`;
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return bits >= 2048 ? null : `${algorithm} needs an RSA key of 2048 bits or more, not ${bits}`;
  }
  if (family === 'ES') {
    const curve = CURVE[algorithm as keyof typeof CURVE];
    return type === 'ec' && key.asymmetricKeyDetails?.namedCurve === curve ? null : `${algorithm} needs an EC ${curve} key, not a ${describeKey(key)} key`;
  }
  return type === 'ed25519' ? null : `${algorithm} needs an Ed25519 key, not a ${describeKey(key)} key`;
}

/** The algorithm a key of this type implies when none is named: its curve for EC, RS256 for RSA. */
export function impliedAlgorithm(key: KeyObject): Algorithm | null {
  if (key.type === 'secret') return 'HS256';
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return 'EdDSA';
    case 'rsa':
      return 'RS256';
    case 'rsa-pss':
      return 'PS256';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      const found = Object.entries(CURVE).find(([, name]) => name === curve);
      return found ? (found[0] as Algorithm) : null;
    }
    default:
      return null;
  }
}

export function describeKey(key: KeyObject): string {
  if (key.type === 'secret') return 'secret';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return [key.asymmetricKeyType, curve].filter(Boolean).join(' ');
}
