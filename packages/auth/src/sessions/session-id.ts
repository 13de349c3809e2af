import { randomBytes } from 'node:crypto';
import { SESSION_ID_CLAIM, type Claims } from '../tokens/token-types.js';

/** 128 random bits as 32 lowercase hex digits: unguessable, and the shape of a jti. */
export function newSessionId(): string {
  return randomBytes(16).toString('hex');
}

/** The session a verified token belongs to, or null for a token from before sessions (or SimpleJWT's own). */
export function sessionIdOf(claims: Claims): string | null {
  const sid = claims[SESSION_ID_CLAIM];
  return typeof sid === 'string' ? sid : null;
}
