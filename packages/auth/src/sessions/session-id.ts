import { randomBytes } from 'node:crypto';
import { FOREIGN_ISSUER, SESSION_ID_CLAIM, type Claims } from '../tokens/token-types.js';

/** 128 random bits as 32 lowercase hex digits: unguessable, and the shape of a jti. */
export function newSessionId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The session a verified token belongs to, or null for a token from before sessions (or
 * SimpleJWT's own), or one another issuer signed (JWK_URL: its sessions are not ours).
 */
export function sessionIdOf(claims: Claims): string | null {
  if ((claims as { [FOREIGN_ISSUER]?: boolean })[FOREIGN_ISSUER]) return null;
  const sid = claims[SESSION_ID_CLAIM];
  return typeof sid === 'string' ? sid : null;
}
