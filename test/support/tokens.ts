import { createHmac, randomUUID } from 'node:crypto';
import { SIGNING_KEY } from './test-app.js';

const HASHES = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as const;

/**
 * A token signed with the test key (HMAC) carrying exactly `claims`: signed by hand, so it can
 * carry claims a JWT library would refuse to sign (a string exp, no exp). Undefined claims are left out.
 */
export function signed(
  claims: Record<string, unknown>,
  key: string = SIGNING_KEY,
  algorithm: keyof typeof HASHES = 'HS256',
  header: Record<string, unknown> = {},
): string {
  return signedPayload(JSON.stringify(claims), key, algorithm, header);
}

/** A token whose payload segment is exactly `json` (which need not be an object). */
export function signedPayload(
  json: string,
  key: string = SIGNING_KEY,
  algorithm: keyof typeof HASHES = 'HS256',
  header: Record<string, unknown> = {},
): string {
  const head = part({ alg: algorithm, typ: 'JWT', ...header });
  const body = Buffer.from(json).toString('base64url');
  const signature = createHmac(HASHES[algorithm], key).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

function part(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export const now = () => Math.floor(Date.now() / 1000);

/** The claims of a valid access token for `userId`, to override one at a time. */
export function accessClaims(userId: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { token_type: 'access', exp: now() + 300, iat: now(), jti: randomUUID().replaceAll('-', ''), user_id: userId, ...overrides };
}

export function refreshClaims(userId: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return accessClaims(userId, { token_type: 'refresh', exp: now() + 3600, ...overrides });
}
