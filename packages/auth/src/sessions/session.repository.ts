import { Injectable } from '@nestjs/common';
import type { QueryResultRow } from 'pg';
import { AuthDatabase } from '../database/auth-database.js';
import { statement, type Statement } from '../database/statement.js';
import type { Generation, NewSession, RevocationReason, SessionView } from './session.types.js';

const SESSIONS = 'token_session';
const LIVE = `s.revoked_at IS NULL AND s.expires_at > now()`;
/** The session, if it is the user's the token names: a token naming another user's session is of none. */
const OWNED = `s.id = $sid AND s.user_id = $user_id`;
const NOW_EPOCH = `floor(extract(epoch FROM now()))::bigint`;
const END_EPOCH = `floor(extract(epoch FROM s.expires_at))::bigint`;

/** The presented token rotates the session: it is the live one (or, without strict chains, any of it). */
const ROTATES = `(s.live_jti = $jti OR NOT $strict::boolean)`;
/** The presented token is the live one's parent, rotated within the grace window: a retry (never NULL: no parent is no retry). */
const RETRIES = `coalesce(s.parent_jti = $jti AND s.parent_rotated_at > now() - make_interval(secs => $grace::float8), false)`;
/** Anything else of this session is an older generation: a replay, which ends the session. */
const REUSED = `(NOT ${ROTATES} AND NOT ${RETRIES})`;
/** In a statement that selects the user first (CTE `u`): nothing changes for a user who is not there. */
const USER_FOUND = ` AND EXISTS (SELECT 1 FROM u)`;

/**
 * Rotation, retry and reuse detection in one UPDATE of the session row. Concurrent callers queue
 * on the row lock and each re-evaluates every CASE on the row as the previous one left it, so of
 * any number of refreshes of one token one rotates and the others see its result (a retry); a
 * replay revokes whatever generation is live when it gets the lock. One row per statement: no
 * lock order, so no deadlock.
 */
const rotateSql = (guard = '') => `
  UPDATE ${SESSIONS} s SET
    parent_jti        = CASE WHEN ${ROTATES} THEN s.live_jti ELSE s.parent_jti END,
    parent_rotated_at = CASE WHEN ${ROTATES} THEN now() ELSE s.parent_rotated_at END,
    live_jti          = CASE WHEN ${ROTATES} THEN $next_jti ELSE s.live_jti END,
    live_iat          = CASE WHEN ${ROTATES} THEN $iat::bigint ELSE s.live_iat END,
    live_exp          = CASE WHEN ${ROTATES} THEN LEAST($iat::bigint + $refresh_lifetime::bigint, ${END_EPOCH}) ELSE s.live_exp END,
    access_jti        = CASE WHEN ${ROTATES} THEN $access_jti ELSE s.access_jti END,
    access_exp        = CASE WHEN ${ROTATES} THEN LEAST($iat::bigint + $access_lifetime::bigint, ${END_EPOCH}) ELSE s.access_exp END,
    last_used_at      = now(),
    revoked_at        = CASE WHEN ${REUSED} THEN now() END,
    revoked_reason    = CASE WHEN ${REUSED} THEN 'reuse' END
  WHERE ${OWNED} AND ${LIVE}${guard}
  RETURNING CASE WHEN s.revoked_at IS NOT NULL THEN 'reused' WHEN s.live_jti = $next_jti THEN 'rotated' ELSE 'retried' END AS outcome,
    s.user_id, s.live_jti, s.live_iat, s.live_exp, s.access_jti, s.access_exp, ${END_EPOCH} AS ends_at`;

/** With ROTATE_REFRESH_TOKENS off the refresh token stays: the session is only touched. */
const touchSql = (guard = '') => `
  UPDATE ${SESSIONS} s SET last_used_at = now() WHERE ${OWNED} AND ${LIVE} AND ${ROTATES}${guard}
  RETURNING 'kept' AS outcome, s.user_id, NULL AS live_jti, NULL AS live_iat, NULL AS live_exp,
    NULL AS access_jti, NULL AS access_exp, ${END_EPOCH} AS ends_at`;

/**
 * The refresh with the user's row in the same statement; the session's state read beside it, in
 * one JSON column (__sj: see SessionState): pg parses one column for it rather than ten. Whether
 * the session is live is looked up only when the update changed nothing (PostgreSQL evaluates a
 * CASE branch's subquery only when the branch is taken): a refresh that rotates finds its
 * session once, in the update.
 */
const withUserSql = (update: string, userSelect: string) => `
  WITH u AS (${userSelect}), r AS (${update})
  SELECT u.*, json_build_array(r.outcome, r.user_id, r.live_jti, r.live_iat, r.live_exp, r.access_jti, r.access_exp,
    r.ends_at, CASE WHEN r.outcome IS NULL THEN ${SESSION_LIVE()} ELSE true END, EXISTS (SELECT 1 FROM u)) AS __sj
  FROM (SELECT 1) one LEFT JOIN u ON true LEFT JOIN r ON true`;

/** __sj of withUserSql: the update's RETURNING (nulls when it changed nothing), whether the session was live, whether the user was found. */
type SessionState = [
  outcome: RotationRow['outcome'] | null,
  userId: string | null,
  liveJti: string | null,
  liveIat: number | null,
  liveExp: number | null,
  accessJti: string | null,
  accessExp: number | null,
  endsAt: number | null,
  sessionLive: boolean,
  userFound: boolean,
];

/** Whether the session is live (as the statement's snapshot sees it). */
function SESSION_LIVE(): string {
  return `EXISTS (SELECT 1 FROM ${SESSIONS} s WHERE ${OWNED} AND ${LIVE})`;
}

const START = statement(
  'session_start',
  `INSERT INTO ${SESSIONS} (id, user_id, expires_at, user_agent, ip_address, live_jti, live_iat, live_exp, access_jti, access_exp)
   VALUES ($sid, $user_id, to_timestamp($expires_at), $user_agent, $ip_address, $live_jti, $iat, $live_exp, $access_jti, $access_exp)`,
);
const ROTATE = statement('session_rotate', rotateSql());
const TOUCH = statement('session_touch', touchSql());
/** Logout by the live token (or its parent within the grace window: its holder is the session's); an older one is a replay. */
const END = statement(
  'session_end',
  `UPDATE ${SESSIONS} s SET revoked_at = now(), revoked_reason = CASE WHEN ${REUSED} THEN 'reuse' ELSE 'logout' END
   WHERE ${OWNED} AND ${LIVE} RETURNING s.revoked_reason AS reason, s.user_id`,
);
const STATE = statement('session_state', `SELECT (${LIVE}) AS live, s.live_jti FROM ${SESSIONS} s WHERE ${OWNED}`);
const IS_LIVE = statement('session_is_live', `SELECT ${SESSION_LIVE()} AS live`);
const LIST = statement(
  'session_list',
  `SELECT s.id, s.created_at, s.last_used_at, s.expires_at, s.user_agent, s.ip_address FROM ${SESSIONS} s
   WHERE s.user_id = $user_id AND ${LIVE} AND s.live_exp > ${NOW_EPOCH}
   ORDER BY s.created_at DESC, s.id`,
);
const REVOKE_ONE = statement(
  'session_revoke_one',
  `UPDATE ${SESSIONS} s SET revoked_at = now(), revoked_reason = $reason
   WHERE s.id = $sid AND s.user_id = $user_id AND ${LIVE} AND s.live_exp > ${NOW_EPOCH} RETURNING s.id`,
);
/** Every live session of a user but one (none: all), in one statement. */
const REVOKE_ALL = statement(
  'session_revoke_all',
  `UPDATE ${SESSIONS} s SET revoked_at = now(), revoked_reason = $reason
   WHERE s.user_id = $user_id AND ${LIVE} AND s.live_exp > ${NOW_EPOCH} AND s.id IS DISTINCT FROM $keep::varchar RETURNING s.id`,
);
/** A session past its absolute end, or whose last refresh token has expired, can serve nothing. */
const FLUSH = statement('session_flush', `DELETE FROM ${SESSIONS} s WHERE s.expires_at < now() OR s.live_exp < ${NOW_EPOCH}`);

export type RotationOutcome =
  /** This call rotated the session: the generation to mint. */
  | { readonly kind: 'rotated'; readonly userId: string; readonly generation: Generation }
  /** The parent of the live token, within the grace window: the live generation, to mint again. */
  | { readonly kind: 'retried'; readonly userId: string; readonly generation: Generation }
  /** Rotation is off: the refresh token stays; the session ends at `endsAt`. */
  | { readonly kind: 'kept'; readonly userId: string; readonly endsAt: number }
  /** An older generation was replayed: this call revoked the session. */
  | { readonly kind: 'reused' }
  /** The session had ended already (revoked, expired, unknown), or the user was not there. */
  | { readonly kind: 'ended' };

export interface RotationRequest {
  readonly sid: string;
  /** The user id claim of the presented token, as text: the session must be this user's. */
  readonly userId: string;
  /** The presented refresh token's jti. */
  readonly jti: string;
  /** The ids, iat and lifetimes of the generation this refresh would start. */
  readonly next: { readonly refreshJti: string; readonly accessJti: string; readonly iat: number; readonly refreshLifetime: number; readonly accessLifetime: number };
  /** Only the live token (and its parent, once) may refresh: BLACKLIST_AFTER_ROTATION. */
  readonly strict: boolean;
  /** ROTATE_REFRESH_TOKENS. */
  readonly rotate: boolean;
  readonly graceSeconds: number;
}

interface RotationRow {
  outcome: 'rotated' | 'retried' | 'reused' | 'kept';
  user_id: string;
  live_jti: string | null;
  /** bigint: a string from a column, a number from JSON. */
  live_iat: string | number | null;
  live_exp: string | number | null;
  access_jti: string | null;
  access_exp: string | number | null;
  ends_at: string | number;
}

/**
 * The sessions, in PostgreSQL. Every decision is one statement on one session row (see
 * rotateSql), timed by the database clock; token times are the app's, in seconds, as the tokens
 * carry them.
 */
@Injectable()
export class SessionRepository {
  /** Composed statements by the user store's select: the per-request lookup, and the two refreshes. */
  private readonly looking = new Map<string, Statement>();
  private readonly rotating = new Map<string, Statement>();
  private readonly touching = new Map<string, Statement>();

  constructor(private readonly db: AuthDatabase) {}

  async start(session: NewSession): Promise<void> {
    const g = session.generation;
    await this.db.run(START, {
      sid: session.id,
      user_id: session.userId,
      expires_at: session.expiresAt,
      user_agent: session.client.userAgent,
      ip_address: session.client.ip || null,
      live_jti: g.refreshJti,
      iat: g.iat,
      live_exp: g.refreshExp,
      access_jti: g.accessJti,
      access_exp: g.accessExp,
    });
  }

  /** A refresh of session `sid` with the token `jti`: see RotationOutcome. */
  async rotate(request: RotationRequest): Promise<RotationOutcome> {
    const { rows } = await this.db.run<RotationRow & QueryResultRow>(request.rotate ? ROTATE : TOUCH, rotationValues(request));
    return outcomeOf(rows[0]);
  }

  /**
   * The same refresh with the user selected in the same statement (`userSelect`, whose `$1` is
   * `userParam`): one round trip. Nothing changes for a user who is not there. `sessionWasLive`
   * tells a missing user from an ended session.
   */
  async rotateWithUser<R extends QueryResultRow>(
    userSelect: string,
    userParam: unknown,
    request: RotationRequest,
  ): Promise<{ user: R | null; outcome: RotationOutcome; sessionWasLive: boolean }> {
    const compiled = this.composeFor(request.rotate ? this.rotating : this.touching, userSelect, (select) => {
      const kind = request.rotate ? 'rotate' : 'touch';
      const sql = withUserSql(request.rotate ? rotateSql(USER_FOUND) : touchSql(USER_FOUND), select);
      return statement(`session_${kind}_user_${hashOf(select)}`, sql, 1);
    });
    const { rows } = await this.db.run<QueryResultRow>(compiled, rotationValues(request), [userParam]);
    const row = rows[0];
    const [outcome, userId, liveJti, liveIat, liveExp, accessJti, accessExp, endsAt, sessionLive, userFound] = row.__sj as SessionState;
    return {
      user: userFound ? strip<R>(row) : null,
      outcome: outcomeOf(
        outcome === null
          ? undefined
          : { outcome, user_id: userId!, live_jti: liveJti, live_iat: liveIat, live_exp: liveExp, access_jti: accessJti, access_exp: accessExp, ends_at: endsAt! },
      ),
      sessionWasLive: sessionLive,
    };
  }

  /** Logout with the token `jti` of session `sid`: 'logout', 'reuse' (revoked as a replay), or 'ended' already. */
  async end(sid: string, userId: string, jti: string, strict: boolean, graceSeconds: number): Promise<{ kind: 'logout' | 'reuse' | 'ended'; userId?: string }> {
    const { rows } = await this.db.run<{ reason: 'logout' | 'reuse'; user_id: string }>(END, { sid, user_id: userId, jti, strict, grace: graceSeconds });
    return rows[0] ? { kind: rows[0].reason, userId: rows[0].user_id } : { kind: 'ended' };
  }

  /** Whether the session is live (and `userId`'s), and its live refresh token (for verify). */
  async state(sid: string, userId: string): Promise<{ live: boolean; liveJti: string | null }> {
    const { rows } = await this.db.run<{ live: boolean; live_jti: string }>(STATE, { sid, user_id: userId });
    return { live: rows[0]?.live === true, liveJti: rows[0]?.live_jti ?? null };
  }

  async isLive(sid: string, userId: string): Promise<boolean> {
    const { rows } = await this.db.run<{ live: boolean }>(IS_LIVE, { sid, user_id: userId });
    return rows[0]?.live === true;
  }

  /**
   * The user row selected by `userSelect` (its `$1` is `userParam`) and whether session `sid` is
   * live, in one statement: the lookup of every authenticated request in database mode.
   */
  async userWithSession<R extends QueryResultRow>(userSelect: string, userParam: unknown, sid: string, userId: string): Promise<{ user: R | null; live: boolean }> {
    const compiled = this.composeFor(this.looking, userSelect, (select) =>
      statement(
        `session_user_${hashOf(select)}`,
        `WITH u AS (${select})
         SELECT u.*, (EXISTS (SELECT 1 FROM u))::int * 2 + (${SESSION_LIVE()})::int AS __sj
         FROM (SELECT 1) one LEFT JOIN u ON true`,
        1,
      ),
    );
    const { rows } = await this.db.run<QueryResultRow>(compiled, { sid, user_id: userId }, [userParam]);
    // __sj: 2 when the user was found, plus 1 when the session is live.
    const flags = rows[0].__sj as number;
    return { user: flags >= 2 ? strip<R>(rows[0]) : null, live: (flags & 1) === 1 };
  }

  /** The user's live sessions, newest first. */
  async list(userId: string): Promise<SessionView[]> {
    const { rows } = await this.db.run<{
      id: string;
      created_at: Date;
      last_used_at: Date;
      expires_at: Date;
      user_agent: string;
      ip_address: string | null;
    }>(LIST, { user_id: userId });
    return rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      expiresAt: r.expires_at,
      userAgent: r.user_agent,
      ipAddress: r.ip_address,
    }));
  }

  /** Ends one live session of the user; false when it has no such live session. */
  async revoke(userId: string, sid: string, reason: RevocationReason): Promise<boolean> {
    return (await this.db.run(REVOKE_ONE, { sid, user_id: userId, reason })).rowCount === 1;
  }

  /** Ends every live session of the user but `keep` (null: all); returns their ids. */
  async revokeAll(userId: string, reason: RevocationReason, keep: string | null = null): Promise<string[]> {
    return (await this.db.run<{ id: string }>(REVOKE_ALL, { user_id: userId, reason, keep })).rows.map((r) => r.id);
  }

  /** Deletes sessions that can serve nothing more; returns how many. */
  async flushExpired(): Promise<number> {
    return (await this.db.run(FLUSH, {})).rowCount;
  }

  /** The statement composed around a user store's select, made once per select (not per request). */
  private composeFor(cache: Map<string, Statement>, userSelect: string, make: (select: string) => Statement): Statement {
    let compiled = cache.get(userSelect);
    if (compiled === undefined) {
      compiled = make(userSelect);
      cache.set(userSelect, compiled);
    }
    return compiled;
  }
}

function rotationValues(request: RotationRequest): Record<string, unknown> {
  return {
    sid: request.sid,
    user_id: request.userId,
    jti: request.jti,
    strict: request.strict,
    grace: request.graceSeconds,
    next_jti: request.next.refreshJti,
    access_jti: request.next.accessJti,
    iat: request.next.iat,
    refresh_lifetime: request.next.refreshLifetime,
    access_lifetime: request.next.accessLifetime,
  };
}

function outcomeOf(row: RotationRow | undefined): RotationOutcome {
  if (row === undefined) return { kind: 'ended' };
  if (row.outcome === 'reused') return { kind: 'reused' };
  if (row.outcome === 'kept') return { kind: 'kept', userId: row.user_id, endsAt: Number(row.ends_at) };
  return {
    kind: row.outcome,
    userId: row.user_id,
    generation: {
      refreshJti: row.live_jti!,
      accessJti: row.access_jti!,
      iat: Number(row.live_iat),
      refreshExp: Number(row.live_exp),
      accessExp: Number(row.access_exp),
    },
  };
}

/** The row without the module's own column. */
function strip<R>(row: QueryResultRow): R {
  const user: Record<string, unknown> = {};
  for (const key in row) if (key !== '__sj') user[key] = row[key];
  return user as R;
}

/** A short stable name part for a composed statement (prepared statement names must differ per text). */
function hashOf(text: string): string {
  let hash = 5381;
  for (let i = 0; i < text.length; i++) hash = ((hash << 5) + hash + text.charCodeAt(i)) | 0;
  return (hash >>> 0).toString(36);
}
