// HS256 the minimal way: one HMAC KeyObject made once, timingSafeEqual on the signature.
// Used by the floor (bench/floor.mjs) and by the bench to mint the tokens it sends.
import { createHmac, createSecretKey, randomUUID, timingSafeEqual } from 'node:crypto';

const HEADER = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');

export function hs256(secret) {
  const key = createSecretKey(Buffer.from(secret, 'utf8'));

  function sign(payload) {
    const body = HEADER + '.' + Buffer.from(JSON.stringify(payload)).toString('base64url');
    return body + '.' + createHmac('sha256', key).update(body).digest('base64url');
  }

  /** The payload of a valid, unexpired token of `type`, or null. */
  function verify(token, type, now = Math.floor(Date.now() / 1000)) {
    if (typeof token !== 'string') return null;
    const a = token.indexOf('.');
    const b = token.indexOf('.', a + 1);
    if (a < 1 || b < 0 || token.indexOf('.', b + 1) !== -1) return null;
    let header, payload;
    try {
      header = JSON.parse(Buffer.from(token.slice(0, a), 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (header === null || header.alg !== 'HS256') return null;
    const expected = createHmac('sha256', key).update(token.slice(0, b)).digest();
    const given = Buffer.from(token.slice(b + 1), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      payload = JSON.parse(Buffer.from(token.slice(a + 1, b), 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (payload === null || typeof payload !== 'object') return null;
    if (typeof payload.exp !== 'number' || payload.exp <= now) return null;
    if (payload.token_type !== type) return null;
    if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 255) return null;
    if (typeof payload.sid !== 'string') return null;
    return payload;
  }

  /**
   * A token as SimpleJWT mints it: token_type, exp, iat, jti, then the user id claim, and the
   * session id (`sid`) when one is given; `jti` may be given too (a seeded session's live token).
   */
  function mint(type, userId, lifetime, { now = Math.floor(Date.now() / 1000), sid, jti = newJti() } = {}) {
    const payload = { token_type: type, exp: now + lifetime, iat: now, jti, user_id: userId };
    if (sid !== undefined) payload.sid = sid;
    return { token: sign(payload), jti, iat: now, exp: payload.exp, payload };
  }

  return { sign, verify, mint };
}

/** 32 lowercase hex digits, as SimpleJWT's uuid4().hex. */
export function newJti() {
  return randomUUID().replaceAll('-', '');
}
