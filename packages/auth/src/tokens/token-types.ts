import type { AuthTokenClass } from '../auth.options.js';

export type TokenType = 'access' | 'refresh' | 'sliding';

/** A token's payload: its claims by name. */
export type Claims = Record<string, unknown>;

/** A token's id and times, in seconds since the epoch. */
export interface TokenTimes {
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
}

/** The claim that carries a token's session id (SimpleJWT clients ignore it). */
export const SESSION_ID_CLAIM = 'sid';

/** Marks the claims of a token another issuer signed (JWK_URL): its `sid`, if any, is not one of ours. */
export const FOREIGN_ISSUER = Symbol('foreignIssuer');

/** A freshly signed token with the claims the blacklist records. */
export interface MintedToken {
  readonly token: string;
  readonly jti: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
  readonly payload: Claims;
}

/** The token type each class of SimpleJWT's token classes carries. */
export const TOKEN_TYPE_OF: Readonly<Record<AuthTokenClass, TokenType>> = {
  AccessToken: 'access',
  SlidingToken: 'sliding',
};
