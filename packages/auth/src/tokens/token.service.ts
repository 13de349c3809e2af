import { randomFillSync } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { MESSAGES } from '../errors/messages.js';
import type { KeySet, VerifyingKey } from '../keys/key-set.js';
import { RemoteJwks } from '../keys/remote-jwks.js';
import { parseHeader, type JoseHeader } from './jose-header.js';
import { parseStrictJson } from './strict-json.js';
import { TokenError } from './token-error.js';
import { FOREIGN_ISSUER, SESSION_ID_CLAIM, type Claims, type MintedToken, type TokenTimes, type TokenType } from './token-types.js';

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

/** The token types this server mints (sliding ones only with the sliding routes): what verify accepts. */
export const ISSUED_TOKEN_TYPES = Symbol('ISSUED_TOKEN_TYPES');

const DEFAULT_ISSUED: readonly TokenType[] = ['access', 'refresh'];

/** A header judged against this server's own keys: the key it names, or none (a kid only JWK_URL may know). */
interface HeaderVerdict {
  readonly header: JoseHeader;
  readonly key: VerifyingKey | undefined;
}

/**
 * Signs and verifies tokens: SimpleJWT's token classes and token backend in one place.
 * Override `claimsFor` in a subclass for per-user claims, or pass `tokenClaims` to the module.
 */
@Injectable()
export class TokenService {
  private readonly typeClaim: string;
  private readonly jtiClaim: string;
  private readonly keys: KeySet;
  private readonly remote: RemoteJwks | null;
  private readonly issued: readonly TokenType[];
  private readonly headers = new Map<string, HeaderVerdict | null>();

  constructor(
    @Inject(SIMPLE_JWT) protected readonly settings: ResolvedSettings,
    protected readonly jwt: JwtService,
    @Optional() @Inject(ISSUED_TOKEN_TYPES) issued?: readonly TokenType[],
  ) {
    this.typeClaim = settings.TOKEN_TYPE_CLAIM;
    this.jtiClaim = settings.JTI_CLAIM;
    this.keys = settings.KEYS;
    this.issued = issued ?? DEFAULT_ISSUED;
    this.remote = settings.JWK_URL
      ? new RemoteJwks({
          url: settings.JWK_URL,
          cacheLifetime: settings.JWK_CACHE_LIFETIME,
          refetchInterval: settings.JWK_REFETCH_INTERVAL,
          timeout: settings.JWK_TIMEOUT,
        })
      : null;
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
    for (const name in claims) {
      if (Object.hasOwn(claims, name) && !(name in payload) && !RESERVED.includes(name)) payload[name] = claims[name];
    }
    if (this.settings.AUDIENCE) payload.aud = this.settings.AUDIENCE;
    if (this.settings.ISSUER) payload.iss = this.settings.ISSUER;
    return { token: this.keys.sign(payload), jti, iat, exp, payload };
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
   * What the JWT library checks, in its order, strictly: a header of `alg`, `typ` and `kid` only
   * (strict JSON), whose kid names one of this server's keys (none: the current key) and whose
   * `alg` is that key's one algorithm; the signature; a strict-JSON payload; `nbf`, `exp`, `aud`
   * and `iss` with LEEWAY (an `aud` or `iss` this server does not expect is refused); a `typ`
   * that says another token type than the payload. Throws TokenError ("Token is expired" or
   * "Token is invalid"); answers the claims.
   */
  verifySignature(token: string): Claims {
    const verdict = this.judgeHeader(token);
    if (verdict.key === undefined) throw invalid();
    return this.signedClaims(token, verdict.header, verdict.key);
  }

  /**
   * verifySignature for bearer tokens, which may also be another issuer's (JWK_URL): a kid this
   * server does not hold is looked up there, asynchronously (bounded by JWK_TIMEOUT).
   */
  verifyBearer(token: string): Claims | Promise<Claims> {
    const verdict = this.judgeHeader(token);
    if (verdict.key !== undefined) return this.signedClaims(token, verdict.header, verdict.key);
    if (this.remote === null || verdict.header.kid === undefined) throw invalid();
    return this.remote.find(verdict.header.kid).then((key) => {
      if (key === undefined || !key.names.includes(verdict.header.alg)) throw invalid();
      const claims = this.signedClaims(token, verdict.header, key);
      Object.defineProperty(claims, FOREIGN_ISSUER, { value: true });
      return claims;
    });
  }

  /** The header of a well-formed token, with this server's key for it; cached per header segment. */
  private judgeHeader(token: string): HeaderVerdict {
    if (!isWellFormed(token)) throw invalid();
    const segment = token.slice(0, token.indexOf('.'));
    let verdict = this.headers.get(segment);
    if (verdict === undefined) {
      const header = parseHeader(segment);
      const key = header === null ? undefined : this.keys.find(header.kid);
      verdict = header === null || (key !== undefined && !key.names.includes(header.alg)) ? null : { header, key };
      if (this.headers.size < HEADER_CACHE_SIZE) this.headers.set(segment, verdict);
    }
    if (verdict === null) throw invalid();
    return verdict;
  }

  private signedClaims(token: string, header: JoseHeader, key: VerifyingKey): Claims {
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    if (!key.verify(token.slice(0, second), token.slice(second + 1))) throw invalid();
    const claims = parseStrictJson(Buffer.from(token.slice(first + 1, second), 'base64url')) as Claims | undefined;
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw invalid();
    const { nbf, exp, aud, iss } = claims;
    const now = this.now();
    const leeway = this.settings.LEEWAY;
    if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + leeway)) throw invalid();
    if (exp !== undefined) {
      if (typeof exp !== 'number') throw invalid();
      if (now >= exp + leeway) throw new TokenError(MESSAGES.tokenExpired);
    }
    const audience = this.settings.AUDIENCE;
    if (audience ? aud !== audience && !(Array.isArray(aud) && aud.includes(audience)) : aud !== undefined) throw invalid();
    if (this.settings.ISSUER ? iss !== this.settings.ISSUER : iss !== undefined) throw invalid();
    if (header.kind !== null && claims[this.typeClaim] !== header.kind) throw invalid();
    return claims;
  }

  /**
   * The checks that follow a good signature (passport-jwt's payload goes through them too):
   * the payload is an object, `iat` exists and is not in the future, `exp` exists, jti and type
   * are right (with none expected: a type this server issues), and the token lives no longer
   * than its type's lifetime (plus LEEWAY).
   */
  checkClaims(payload: unknown, expected: TokenType | null): Claims {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw new TokenError(MESSAGES.tokenInvalid);
    }
    const claims = payload as Claims;
    const now = this.now();
    const iat = claims.iat;
    if (iat === undefined) throw new TokenError(MESSAGES.tokenNoClaim('iat'));
    if (typeof iat !== 'number' || !Number.isFinite(iat) || iat > now + this.settings.LEEWAY) {
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
    const type = claims[this.typeClaim];
    if (type === undefined) throw new TokenError(MESSAGES.tokenNoType);
    // With none expected (verify), any type this server issues: sliding only with the sliding routes.
    if (expected !== null ? type !== expected : !this.issued.includes(type as TokenType)) {
      throw new TokenError(MESSAGES.tokenWrongType);
    }
    this.checkLifetime(claims, type as TokenType, iat);
    return claims;
  }

  /**
   * A token's `exp - iat` is at most its type's lifetime plus LEEWAY (a sliding token's
   * `refresh_exp - iat` at most SLIDING_TOKEN_REFRESH_LIFETIME): a token signed with a good key
   * but a lifetime this server never gives is refused. A lifetime lowered refuses the tokens
   * minted under the longer one, as a key rotation would.
   */
  private checkLifetime(claims: Claims, type: TokenType, iat: number): void {
    const s = this.settings;
    const lifetime = { access: s.ACCESS_TOKEN_LIFETIME, refresh: s.REFRESH_TOKEN_LIFETIME, sliding: s.SLIDING_TOKEN_LIFETIME }[type];
    if ((claims.exp as number) - iat > lifetime + s.LEEWAY) throw invalid();
    const refreshExp = claims[s.SLIDING_TOKEN_REFRESH_EXP_CLAIM];
    if (type === 'sliding' && typeof refreshExp === 'number' && refreshExp - iat > s.SLIDING_TOKEN_REFRESH_LIFETIME + s.LEEWAY) throw invalid();
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

/** Random bytes for jtis, drawn 16 at a time; refilled from the CSPRNG when used up. */
const jtiPool = Buffer.alloc(16 * 256);
let jtiOffset = jtiPool.length;

/** A new jti: a random UUID4 as 32 hex digits, as SimpleJWT's `uuid4().hex`. */
export function newJti(): string {
  if (jtiOffset === jtiPool.length) {
    randomFillSync(jtiPool);
    jtiOffset = 0;
  }
  const at = jtiOffset;
  jtiOffset += 16;
  jtiPool[at + 6] = (jtiPool[at + 6] & 0x0f) | 0x40; // version 4
  jtiPool[at + 8] = (jtiPool[at + 8] & 0x3f) | 0x80; // RFC 4122 variant
  return jtiPool.toString('hex', at, at + 16);
}

function invalid(): TokenError {
  return new TokenError(MESSAGES.tokenInvalid);
}
