import type { ClientInfo } from '../authentication/client-info.js';

/**
 * A session's current generation: the live refresh token and the access token minted with it,
 * by their ids and times (seconds since the epoch). Enough to mint both again, identically.
 */
export interface Generation {
  readonly refreshJti: string;
  readonly accessJti: string;
  /** Both tokens' `iat`. */
  readonly iat: number;
  readonly refreshExp: number;
  readonly accessExp: number;
}

export interface NewSession {
  readonly id: string;
  readonly userId: string;
  /** The absolute end, in seconds since the epoch. */
  readonly expiresAt: number;
  readonly client: ClientInfo;
  readonly generation: Generation;
}

/** A live session as its owner sees it. */
export interface SessionView {
  readonly id: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
  readonly expiresAt: Date;
  readonly userAgent: string;
  readonly ipAddress: string | null;
}

/** Why a session ended, as recorded and logged. */
export type RevocationReason =
  | 'logout'
  | 'reuse'
  | 'revoked'
  | 'revoke_others'
  | 'admin'
  | 'password_change'
  | 'user_inactive'
  | 'cli';
