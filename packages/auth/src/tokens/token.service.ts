import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { MESSAGES } from '../errors/messages.js';
import { jwsVerifier, type JwsVerifier } from './jose.js';
import { TokenError } from './token-error.js';
import { SESSION_ID_CLAIM, type Claims, type MintedToken, type TokenTimes, type TokenType } from './token-types.js';

const SEGMENTS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const RESERVED = ['exp', 'iat', 'jti', 'nbf'];
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Header segments already judged, so the usual one is parsed once; bounded against floods. */
const HEADER_CACHE_SIZE = 64;

/** Whether every segment is canonical base64url: no padding bits, nothing after the signature. */
export function isWellFormed(token: string): boolean {
  if (token.length > 8192 || !SEGMENTS.test(token)) return false;
  let start = 0;
  for (let i = 0; i < 3; i++) {
    const end = i < 2 ? token.indexOf('.', start) : token.length;
    if (!canonicalTail(token, start, end)) return false;
    start = end + 1;
  }
  return true;
}

/**
 * A segment of length L encodes whole bytes only if L % 4 is not 1, and its last character's
 * unused low bits (4 of them when L % 4 is 2, 2 when it is 3) are zero: otherwise another
 * spelling decodes to the same bytes.
 */
function canonicalTail(token: string, start: number, end: number): boolean {
  const rest = (end - start) % 4;
  if (rest === 1) return false;
  if (rest === 0) return true;
  const bits = BASE64URL.indexOf(token[end - 1]);
  return (bits & (rest === 2 ? 0b1111 : 0b11)) === 0;
}

/**
 * Signs and verifies tokens: SimpleJWT's token classes and token backend in one place.
 * Override `claimsFor` in a subclass for per-user claims, or pass `tokenClaims` to the module.
 */
@Injectable()
export class TokenService {
  private readonly typeClaim: string;
  private readonly jtiClaim: string;
  private readonly signedBy: JwsVerifier;
  private readonly headers = new Map<string, boolean>();

  constructor(
    @Inject(SIMPLE_JWT) protected readonly settings: ResolvedSettings,
    protected readonly jwt: JwtService,
  ) {
    this.typeClaim = settings.TOKEN_TYPE_CLAIM;
    this.jtiClaim = settings.JTI_CLAIM;
    this.signedBy = jwsVerifier(settings.ALGORITHM, settings.VERIFYING_KEY);
  }

  /** Seconds since the epoch; every token decision made by the app uses this clock. */
  now(): number {
    return Math.floor(Date.now() / 1000);
  }

  /**
   * Signs a token of `type` carrying `claims`, valid for `lifetime` seconds from now, with a new
   * jti. Claims come first in SimpleJWT's order: token_type, exp, iat, jti, then the rest.
   */
  mint(type: TokenType, claims: Claims, lifetime: number, jti: string = newJti()): MintedToken {
    const iat = this.now();
    return this.mintExact(type, claims, { jti, iat, exp: iat + lifetime });
  }

  /**
   * Signs a token with exactly these id and times: a session's generation is minted so, and
   * minted again identically for a retry (byte for byte with HMAC and RSA PKCS#1).
   */
  mintExact(type: TokenType, claims: Claims, times: TokenTimes): MintedToken {
    const { jti, iat, exp } = times;
    const payload: Claims = { [this.typeClaim]: type, exp, iat, [this.jtiClaim]: jti };
    for (const [name, value] of Object.entries(claims)) {
      if (!(name in payload) && !RESERVED.includes(name)) payload[name] = value;
    }
    if (this.settings.AUDIENCE) payload.aud = this.settings.AUDIENCE;
    if (this.settings.ISSUER) payload.iss = this.settings.ISSUER;
    return { token: this.jwt.sign(payload), jti, iat, exp, payload };
  }

  /**
   * Verifies a token's signature and standard claims, as SimpleJWT's `Token(token)` does:
   * signature, exp/nbf/iat (with LEEWAY), then jti and the type (`null` accepts any type).
   * Throws TokenError with the sentence the client should see.
   */
  verify(token: string, expected: TokenType | null): Claims {
    return this.checkClaims(this.verifySignature(token), expected);
  }

  /**
   * What the JWT library checks, in its order: a header naming the configured algorithm, the
   * signature, then `nbf`, `exp`, `aud` and `iss` with LEEWAY. Throws TokenError
   * ("Token is expired" or "Token is invalid"); answers the claims.
   */
  verifySignature(token: string): Claims {
    if (!isWellFormed(token)) throw new TokenError(MESSAGES.tokenInvalid);
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    if (!this.acceptsHeader(token.slice(0, first))) throw new TokenError(MESSAGES.tokenInvalid);
    if (!this.signedBy(token.slice(0, second), token.slice(second + 1))) throw new TokenError(MESSAGES.tokenInvalid);
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'));
    } catch {
      throw new TokenError(MESSAGES.tokenInvalid);
    }
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new TokenError(MESSAGES.tokenInvalid);
    const { nbf, exp, aud, iss } = claims as Claims;
    const now = this.now();
    const leeway = this.settings.LEEWAY;
    if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + leeway)) throw new TokenError(MESSAGES.tokenInvalid);
    if (exp !== undefined) {
      if (typeof exp !== 'number') throw new TokenError(MESSAGES.tokenInvalid);
      if (now >= exp + leeway) throw new TokenError(MESSAGES.tokenExpired);
    }
    const audience = this.settings.AUDIENCE;
    if (audience && aud !== audience && !(Array.isArray(aud) && aud.includes(audience))) {
      throw new TokenError(MESSAGES.tokenInvalid);
    }
    if (this.settings.ISSUER && iss !== this.settings.ISSUER) throw new TokenError(MESSAGES.tokenInvalid);
    return claims as Claims;
  }

  /** A JSON object header whose `alg` is exactly the configured one ("none" never is). */
  private acceptsHeader(segment: string): boolean {
    let accepted = this.headers.get(segment);
    if (accepted === undefined) {
      try {
        const header = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
        accepted =
          typeof header === 'object' && header !== null && !Array.isArray(header) &&
          (header as { alg?: unknown }).alg === this.settings.ALGORITHM;
      } catch {
        accepted = false;
      }
      if (this.headers.size < HEADER_CACHE_SIZE) this.headers.set(segment, accepted);
    }
    return accepted;
  }

  /**
   * The checks that follow a good signature (passport-jwt's payload goes through them too):
   * the payload is an object, `iat` is not in the future, `exp` exists, jti and type are right.
   */
  checkClaims(payload: unknown, expected: TokenType | null): Claims {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw new TokenError(MESSAGES.tokenInvalid);
    }
    const claims = payload as Claims;
    const now = this.now();
    const iat = claims.iat;
    if (iat !== undefined && (typeof iat !== 'number' || iat > now + this.settings.LEEWAY)) {
      throw new TokenError(MESSAGES.tokenInvalid);
    }
    this.checkExp(claims, 'exp', now);
    const jti = claims[this.jtiClaim];
    if (jti === undefined) throw new TokenError(MESSAGES.tokenNoId);
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 255) {
      throw new TokenError(MESSAGES.tokenInvalid);
    }
    const sid = claims[SESSION_ID_CLAIM];
    if (sid !== undefined && (typeof sid !== 'string' || sid.length === 0 || sid.length > 64)) {
      throw new TokenError(MESSAGES.tokenInvalid);
    }
    if (expected !== null) {
      const type = claims[this.typeClaim];
      if (type === undefined) throw new TokenError(MESSAGES.tokenNoType);
      if (type !== expected) throw new TokenError(MESSAGES.tokenWrongType);
    }
    return claims;
  }

  /** SimpleJWT's `check_exp`: the claim exists, is a number, and lies ahead (less LEEWAY). */
  checkExp(claims: Claims, claim: string, now: number = this.now()): void {
    const value = claims[claim];
    if (value === undefined) throw new TokenError(MESSAGES.tokenNoClaim(claim));
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new TokenError(MESSAGES.tokenInvalid);
    if (value <= now - this.settings.LEEWAY) throw new TokenError(MESSAGES.tokenClaimExpired(claim));
  }

  /** The jti of verified claims (checkClaims made sure it is a string). */
  jtiOf(claims: Claims): string {
    return claims[this.jtiClaim] as string;
  }

  /** Claims a new token copies from another: all but type, exp, iat, jti (SimpleJWT's no-copy list). */
  copyableClaims(claims: Claims): Claims {
    const copy: Claims = { ...claims };
    delete copy[this.typeClaim];
    delete copy[this.jtiClaim];
    for (const name of RESERVED) delete copy[name];
    delete copy[this.settings.SLIDING_TOKEN_REFRESH_EXP_CLAIM];
    return copy;
  }

  accessFrom(refreshClaims: Claims): MintedToken {
    return this.mint('access', this.copyableClaims(refreshClaims), this.settings.ACCESS_TOKEN_LIFETIME);
  }

  /** The refresh token that replaces a rotated one: same claims, new jti, new iat and exp. */
  rotated(refreshClaims: Claims): MintedToken {
    return this.mint('refresh', this.copyableClaims(refreshClaims), this.settings.REFRESH_TOKEN_LIFETIME);
  }
}

/** 32 lowercase hex digits, as SimpleJWT's `uuid4().hex`. */
export function newJti(): string {
  return randomUUID().replaceAll('-', '');
}
