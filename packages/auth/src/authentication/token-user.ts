import type { Claims } from '../tokens/token-types.js';

/**
 * SimpleJWT's TokenUser: the user a token describes, built from its claims alone, for
 * JWTStatelessUserAuthentication (no database lookup per request). `username`, `is_staff` and
 * `is_superuser` come from claims of those names when the token carries them (see tokenClaims).
 * Subclass it, or write any class of this shape, and pass it as TOKEN_USER_CLASS.
 */
export class TokenUser {
  readonly isActive = true;
  readonly id: string | number;
  readonly username: string;
  readonly isStaff: boolean;
  readonly isSuperuser: boolean;

  constructor(readonly claims: Claims, idClaim: string) {
    this.id = claims[idClaim] as string | number;
    this.username = typeof claims.username === 'string' ? claims.username : '';
    this.isStaff = claims.is_staff === true;
    this.isSuperuser = claims.is_superuser === true;
  }
}

/**
 * SimpleJWT's TOKEN_USER_CLASS: what the stateless mode builds from a token's claims. It gets
 * the claims and the name of the user id claim; the module reads `id` (throttling, ownership)
 * and `isStaff` (IsAdminUser).
 */
export type TokenUserClass = new (claims: Claims, idClaim: string) => { readonly id: string | number; readonly isStaff: boolean };
