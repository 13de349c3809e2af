import { Injectable } from '@nestjs/common';
import { AuthDatabase } from '../database/auth-database.js';

/** What the blacklist records of a token: never the token itself. */
export interface TokenRecord {
  readonly jti: string;
  /** The user id claim's value, as text; null when the token names none. */
  readonly userId: string | null;
  readonly iat: number;
  readonly exp: number;
}

export type RotationOutcome =
  /** This call blacklisted the old token and recorded its successor: the one winner. */
  | 'rotated'
  /** The old token was already blacklisted moments ago (a concurrent refresh won). */
  | 'lost-race'
  /** The old token was blacklisted longer ago than the grace period: its session is now revoked. */
  | 'reused';

const OUTSTANDING = 'token_blacklist_outstandingtoken';
const BLACKLISTED = 'token_blacklist_blacklistedtoken';

/**
 * Records the old token if it is missing (as SimpleJWT's get_or_create does) and returns its row,
 * locking it, so that concurrent callers on one token queue behind each other.
 * Parameters: $1 jti, $2 user id, $3 iat, $4 exp.
 */
const UPSERT_OLD = `
  INSERT INTO ${OUTSTANDING} (jti, user_id, created_at, expires_at, session_id)
  VALUES ($1, $2, to_timestamp($3), to_timestamp($4), $1)
  ON CONFLICT (jti) DO UPDATE SET jti = EXCLUDED.jti
  RETURNING id, session_id`;

/** Blacklists the row `old` returned; the unique token_id lets exactly one caller's insert win. */
const BLACKLIST_OLD = `
  INSERT INTO ${BLACKLISTED} (token_id, blacklisted_at)
  SELECT id, now() FROM old
  ON CONFLICT (token_id) DO NOTHING
  RETURNING token_id`;

/**
 * The outstanding and blacklisted tokens, in PostgreSQL. Every decision that must hold across
 * concurrent requests and app instances is one statement whose unique index picks the winner,
 * timed by the database clock.
 */
@Injectable()
export class BlacklistRepository {
  constructor(private readonly db: AuthDatabase) {}

  /** Records a newly issued refresh or sliding token, which begins a session. */
  async outstand(token: TokenRecord): Promise<void> {
    await this.db.query(
      'outstand',
      `INSERT INTO ${OUTSTANDING} (jti, user_id, created_at, expires_at, session_id)
       VALUES ($1, $2, to_timestamp($3), to_timestamp($4), $1)`,
      [token.jti, token.userId, token.iat, token.exp],
    );
  }

  async isBlacklisted(jti: string): Promise<boolean> {
    const { rows } = await this.db.query(
      'is_blacklisted',
      `SELECT 1 FROM ${BLACKLISTED} b JOIN ${OUTSTANDING} o ON o.id = b.token_id WHERE o.jti = $1`,
      [jti],
    );
    return rows.length > 0;
  }

  /**
   * Blacklists `old` and records `next` in its session, in one statement: of any number of
   * concurrent calls for the same `old`, exactly one sees 'rotated'. A loser learns whether it
   * came within `graceSeconds` of the win; if not, the replay revokes the whole session.
   */
  async rotate(old: TokenRecord, next: TokenRecord, graceSeconds: number): Promise<RotationOutcome> {
    const { rows } = await this.db.query<{ rotated: boolean }>(
      'rotate',
      `WITH old AS (${UPSERT_OLD}),
       won AS (${BLACKLIST_OLD}),
       successor AS (
         INSERT INTO ${OUTSTANDING} (jti, user_id, created_at, expires_at, session_id)
         SELECT $5, $2, to_timestamp($6), to_timestamp($7), old.session_id FROM old JOIN won ON won.token_id = old.id
         RETURNING id)
       SELECT EXISTS (SELECT 1 FROM successor) AS rotated`,
      [old.jti, old.userId, old.iat, old.exp, next.jti, next.iat, next.exp],
    );
    if (rows[0]?.rotated) return 'rotated';
    return (await this.revokeSessionUnlessWithin(old.jti, graceSeconds)) ? 'reused' : 'lost-race';
  }

  /**
   * Records `next` in `old`'s session without blacklisting `old` (rotation with
   * BLACKLIST_AFTER_ROTATION off). False, and nothing written, when `old` is blacklisted.
   */
  async extend(old: TokenRecord, next: TokenRecord): Promise<boolean> {
    const { rows } = await this.db.query<{ extended: boolean }>(
      'extend',
      `WITH old AS (${UPSERT_OLD}),
       successor AS (
         INSERT INTO ${OUTSTANDING} (jti, user_id, created_at, expires_at, session_id)
         SELECT $5, $2, to_timestamp($6), to_timestamp($7), old.session_id FROM old
         WHERE NOT EXISTS (SELECT 1 FROM ${BLACKLISTED} b WHERE b.token_id = old.id)
         RETURNING id)
       SELECT EXISTS (SELECT 1 FROM successor) AS extended`,
      [old.jti, old.userId, old.iat, old.exp, next.jti, next.iat, next.exp],
    );
    return rows[0]?.extended === true;
  }

  /**
   * Logout: blacklists `token` and every other token of its session. False when `token` itself
   * was blacklisted already (nothing changes then).
   */
  async blacklistSession(token: TokenRecord): Promise<boolean> {
    const { rows } = await this.db.query<{ blacklisted: boolean }>(
      'blacklist_session',
      `WITH old AS (${UPSERT_OLD}),
       won AS (${BLACKLIST_OLD}),
       rest AS (
         INSERT INTO ${BLACKLISTED} (token_id, blacklisted_at)
         SELECT o.id, now() FROM ${OUTSTANDING} o JOIN old ON o.session_id = old.session_id
         WHERE o.id <> old.id AND EXISTS (SELECT 1 FROM won)
         ON CONFLICT (token_id) DO NOTHING)
       SELECT EXISTS (SELECT 1 FROM won) AS blacklisted`,
      [token.jti, token.userId, token.iat, token.exp],
    );
    return rows[0]?.blacklisted === true;
  }

  /**
   * For a token that turned out blacklisted: when that happened more than `graceSeconds` ago
   * (by the database clock), blacklists every token of its session and answers true.
   */
  private async revokeSessionUnlessWithin(jti: string, graceSeconds: number): Promise<boolean> {
    const { rows } = await this.db.query<{ revoked: boolean }>(
      'revoke_session',
      `WITH replayed AS (
         SELECT o.session_id FROM ${OUTSTANDING} o JOIN ${BLACKLISTED} b ON b.token_id = o.id
         WHERE o.jti = $1 AND b.blacklisted_at <= now() - make_interval(secs => $2)),
       revoked AS (
         INSERT INTO ${BLACKLISTED} (token_id, blacklisted_at)
         SELECT o.id, now() FROM ${OUTSTANDING} o JOIN replayed r ON o.session_id = r.session_id
         ON CONFLICT (token_id) DO NOTHING)
       SELECT EXISTS (SELECT 1 FROM replayed) AS revoked`,
      [jti, graceSeconds],
    );
    return rows[0]?.revoked === true;
  }

  /** Deletes tokens past their expiry (SimpleJWT's flushexpiredtokens); returns how many. */
  async flushExpired(): Promise<number> {
    return (await this.db.query('flush_expired', `DELETE FROM ${OUTSTANDING} WHERE expires_at < now()`, [])).rowCount;
  }
}
