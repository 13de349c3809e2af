import { MAX_KID_LENGTH } from '../keys/key-set.js';
import { parseStrictJson } from './strict-json.js';
import type { TokenType } from './token-types.js';

/** A JOSE header this server accepts, read once per distinct header segment. */
export interface JoseHeader {
  readonly alg: string;
  readonly kid: string | undefined;
  /** The token type `typ` says the token is, or null when it fits any (`JWT` or no `typ`). */
  readonly kind: TokenType | null;
}

/** A header segment longer than this is no header this server would write. */
const MAX_HEADER_SEGMENT = 1024;

/** The only members a header may have: anything else (`crit`, `b64`, `zip`, `cty`, `jku`, `jwk`, `x5u`, ...) asks for processing this server does not do. */
const MEMBERS = new Set(['alg', 'typ', 'kid']);

/**
 * What each `typ` this server accepts means (compared case-insensitively, with or without
 * `application/`, RFC 7515 §4.1.9): `JWT` fits every token; RFC 9068's `at+jwt` says access
 * token, and `rt+jwt` refresh token, so a `token_type` that says otherwise is refused. Any
 * other `typ` (a DPoP proof, a logout token, ...) is another kind of JWT and refused.
 */
const KINDS: Readonly<Record<string, TokenType | null>> = { jwt: null, 'at+jwt': 'access', 'rt+jwt': 'refresh' };

/** The header in `segment` (base64url), or null when it is not one this server accepts. */
export function parseHeader(segment: string): JoseHeader | null {
  if (segment.length > MAX_HEADER_SEGMENT) return null;
  const header = parseStrictJson(Buffer.from(segment, 'base64url'));
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return null;
  for (const name of Object.keys(header)) if (!MEMBERS.has(name)) return null;
  const { alg, typ, kid } = header as Record<string, unknown>;
  if (typeof alg !== 'string') return null;
  if (kid !== undefined && (typeof kid !== 'string' || kid === '' || kid.length > MAX_KID_LENGTH)) return null;
  let kind: TokenType | null = null;
  if (typ !== undefined) {
    if (typeof typ !== 'string') return null;
    const name = typ.toLowerCase().replace(/^application\//, '');
    if (!Object.hasOwn(KINDS, name)) return null;
    kind = KINDS[name];
  }
  return { alg, kid, kind };
}
