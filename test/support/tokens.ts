import { randomUUID } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import { SIGNING_KEY } from './test-app.js';

/** A token signed with the test key, carrying exactly `claims` (for crafting odd tokens). */
export function signed(claims: Record<string, unknown>, key: string = SIGNING_KEY, algorithm: jsonwebtoken.Algorithm = 'HS256'): string {
  return jsonwebtoken.sign(claims, key, { algorithm, noTimestamp: true });
}

export const now = () => Math.floor(Date.now() / 1000);

/** The claims of a valid access token for `userId`, to override one at a time. */
export function accessClaims(userId: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { token_type: 'access', exp: now() + 300, iat: now(), jti: randomUUID().replaceAll('-', ''), user_id: userId, ...overrides };
}

export function refreshClaims(userId: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return accessClaims(userId, { token_type: 'refresh', exp: now() + 3600, ...overrides });
}
