import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { ALGORITHMS, type Algorithm } from '@nest-simplejwt/auth';

/** RSA sizes: 2048 bits as RFC 7518 requires at least, more for the longer hashes. */
const RSA_BITS = { '256': 2048, '384': 3072, '512': 4096 } as const;
const EC_CURVES = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' } as const;

/**
 * A new signing key for `algorithm`, as JWT_SIGNING_KEY takes it: for HS* a random secret
 * (as many bytes as the hash, 32 to 64, base64url), for RS/PS/ES/EdDSA a PKCS#8 PEM private
 * key (its public key is derived at start, or `openssl pkey -pubout` gives it). What
 * `generatekey --algorithm ES256` prints.
 */
export function generateSigningKey(algorithm: Algorithm): string {
  if (!ALGORITHMS.includes(algorithm)) throw new Error(`expected one of ${ALGORITHMS.join(', ')}, got ${JSON.stringify(algorithm)}`);
  const bits = algorithm.slice(2) as keyof typeof RSA_BITS;
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  switch (algorithm.slice(0, 2)) {
    case 'HS':
      return randomBytes(Number(bits) / 8).toString('base64url');
    case 'RS':
    case 'PS':
      return generateKeyPairSync('rsa', { modulusLength: RSA_BITS[bits], privateKeyEncoding, publicKeyEncoding }).privateKey;
    case 'ES':
      return generateKeyPairSync('ec', { namedCurve: EC_CURVES[algorithm as keyof typeof EC_CURVES], privateKeyEncoding, publicKeyEncoding }).privateKey;
    default:
      return generateKeyPairSync('ed25519', { privateKeyEncoding, publicKeyEncoding }).privateKey;
  }
}
