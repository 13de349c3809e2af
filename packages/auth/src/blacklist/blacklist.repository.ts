import { Injectable } from '@nestjs/common';
import { AuthDatabase } from '../database/auth-database.js';
import { statement } from '../database/statement.js';
import type { NewSession } from '../sessions/session.types.js';

/** What the blacklist records of a token: never the token itself. */
export interface TokenRecord {
  readonly jti: string;
  /** The user id claim's value, as text; null when the token names none. */
  readonly userId: string | null;
  readonly iat: number;
  readonly exp: number;
}

const OUTSTANDING = 'token_blacklist_outstandingtoken';
const BLACKLISTED = 'token_blacklist_blacklistedtoken';

/**
 * Records the token if it is missing (as SimpleJWT's get_or_create does) and returns its row,
 * locking it, so that concurrent callers on one token queue behind each other.
 */
const UPSERT_OLD = `
  INSERT INTO ${OUTSTANDING} (jti, user_id, created_at, expires_at)
  VALUES ($jti, $user_id, to_timestamp($iat), to_timestamp($exp))
  ON CONFLICT (jti) DO UPDATE SET jti = EXCLUDED.jti
  RETURNING id`;

/** Blacklists the row `old` returned; the unique token_id lets exactly one caller's insert win. */
const BLACKLIST_OLD = `
  INSERT INTO ${BLACKLISTED} (token_id, blacklisted_at)
  SELECT id, now() FROM old
  ON CONFLICT (token_id) DO NOTHING
  RETURNING token_id`;

const IS_BLACKLISTED = statement(
  'legacy_is_blacklisted',
  `SELECT 1 FROM ${BLACKLISTED} b JOIN ${OUTSTANDING} o ON o.id = b.token_id WHERE o.jti = $jti`,
);
const BLACKLIST = statement(
  'legacy_blacklist',
  `WITH old AS (${UPSERT_OLD}), won AS (${BLACKLIST_OLD}) SELECT EXISTS (SELECT 1 FROM won) AS blacklisted`,
);
/**
 * The first refresh of a token from before sessions: blacklists it and starts its session with
 * the successor, in one statement; of concurrent callers exactly one wins. The user id is two
 * parameters: the outstanding user_id is an integer in SimpleJWT's own table, token_session's is text.
 */
const ROTATE_INTO_SESSION = statement(
  'legacy_rotate_into_session',
  `WITH old AS (${UPSERT_OLD}), won AS (${BLACKLIST_OLD}),
   started AS (
     INSERT INTO token_session (id, user_id, expires_at, user_agent, ip_address, live_jti, live_iat, live_exp, access_jti, access_exp)
     SELECT $sid, $session_user_id, to_timestamp($session_end), $user_agent, $ip_address, $live_jti, $live_iat, $live_exp, $access_jti, $access_exp
     FROM won RETURNING id)
   SELECT EXISTS (SELECT 1 FROM started) AS rotated`,
);
/**
 * Expired tokens with their blacklist entries, in one statement: SimpleJWT's own foreign key
 * (a Django database adopted in place) does not cascade in the database, Django's ORM does.
 */
const FLUSH = statement(
  'legacy_flush',
  `WITH entries AS (DELETE FROM ${BLACKLISTED} b USING ${OUTSTANDING} o WHERE b.token_id = o.id AND o.expires_at < now())
   DELETE FROM ${OUTSTANDING} WHERE expires_at < now()`,
);

/**
 * SimpleJWT's own outstanding table (a Django database adopted in place) holds user_id as an
 * integer referencing auth_user: a user it cannot hold (gone: foreign_key_violation; not an
 * integer: invalid_text_representation, numeric_value_out_of_range).
 */
const NO_USER_THERE = new Set(['23503', '22P02', '22003']);

/**
 * The outstanding and blacklisted tokens of SimpleJWT's token_blacklist app, for tokens without a
 * session: those SimpleJWT issued (a Django database adopted in place) and those issued here
 * before sessions. Each decision is one statement whose unique index picks the winner.
 */
@Injectable()
export class BlacklistRepository {
  constructor(private readonly db: AuthDatabase) {}

  async isBlacklisted(jti: string): Promise<boolean> {
    return (await this.db.run(IS_BLACKLISTED, { jti })).rowCount > 0;
  }

  /**
   * Logout: false when the token was blacklisted already (nothing changes then). A token whose
   * user SimpleJWT's table cannot hold is recorded without one, as Django's ON DELETE SET NULL
   * leaves a deleted user's tokens.
   */
  async blacklist(token: TokenRecord): Promise<boolean> {
    const run = async (record: TokenRecord) => (await this.db.run<{ blacklisted: boolean }>(BLACKLIST, recordValues(record))).rows;
    let rows: { blacklisted: boolean }[];
    try {
      rows = await run(token);
    } catch (error) {
      if (token.userId === null || !NO_USER_THERE.has((error as { code?: string }).code ?? '')) throw error;
      rows = await run({ ...token, userId: null });
    }
    return rows[0]?.blacklisted === true;
  }

  /** Blacklists `old` and starts `session` with its successor; false when another caller won. */
  async rotateIntoSession(old: TokenRecord, session: NewSession): Promise<boolean> {
    const g = session.generation;
    const { rows } = await this.db.run<{ rotated: boolean }>(ROTATE_INTO_SESSION, {
      ...recordValues(old),
      sid: session.id,
      session_user_id: session.userId,
      session_end: session.expiresAt,
      user_agent: session.client.userAgent,
      ip_address: session.client.ip || null,
      live_jti: g.refreshJti,
      live_iat: g.iat,
      live_exp: g.refreshExp,
      access_jti: g.accessJti,
      access_exp: g.accessExp,
    });
    return rows[0]?.rotated === true;
  }

  /** Deletes tokens past their expiry (SimpleJWT's flushexpiredtokens); returns how many. */
  async flushExpired(): Promise<number> {
    return (await this.db.run(FLUSH, {})).rowCount;
  }
}

function recordValues(token: TokenRecord): Record<string, unknown> {
  return { jti: token.jti, user_id: token.userId, iat: token.iat, exp: token.exp };
}
