import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { QueryResultRow } from 'pg';
import { AuthDatabase } from '../database/auth-database.js';
import { statement } from '../database/statement.js';

const FAILURES = 'login_failure';
/** The row that counts an address's failures across every username: a login's username is never blank. */
export const EVERY_USERNAME = '';
/** Longer usernames and addresses are keyed by their SHA-256, so no request can outgrow the key. */
const MAX_KEY_LENGTH = 255;

const LOCKED = `f.locked_until > now()`;
const WAIT = `ceil(extract(epoch FROM f.locked_until - now()))::int`;
const COOLOFF = `now() + make_interval(secs => $cooloff::float8)`;
/** The row's limit: the address's for the every-username row, the pair's otherwise. */
const LIMIT = `(CASE WHEN f.username = '' THEN $address_limit::int ELSE $pair_limit::int END)`;
/** The row's failures still within the window. */
const RECENT = `ARRAY(SELECT t FROM unnest(f.failures) t WHERE t > now() - make_interval(secs => $window::float8) ORDER BY t)`;
/** This failure is the limit's: the row locks (and starts afresh once the cooloff is over). */
const REACHES = `(cardinality(${RECENT}) + 1 >= ${LIMIT})`;

/** The longest wait of the pair's and the address's locks (of the limits that are on). */
const CHECK = statement(
  'login_failure_check',
  `SELECT max(${WAIT}) AS wait FROM ${FAILURES} f
   WHERE f.ip_address = $address AND ${LOCKED}
     AND ((f.username = $username AND $pair_limit::int > 0) OR (f.username = '' AND $address_limit::int > 0))`,
);
/**
 * Counts one failure on the pair's row and the address's row (of the limits that are on), in
 * that order in every call, so concurrent calls never wait on each other crosswise. Each row is
 * counted only while it is not locked: concurrent failures queue on the row lock and each sees
 * the count the previous one left, so a row locks at exactly its limit, and once, whatever the
 * number of instances. A row not returned was locked by then.
 */
const COUNT = statement(
  'login_failure_count',
  `INSERT INTO ${FAILURES} AS f (username, ip_address, failures, last_failure_at, locked_until)
   SELECT k.username, $address, CASE WHEN k.lim <= 1 THEN '{}'::timestamptz[] ELSE ARRAY[now()] END, now(),
     CASE WHEN k.lim <= 1 THEN ${COOLOFF} END
   FROM (VALUES (1, $username::varchar, $pair_limit::int), (2, '', $address_limit::int)) AS k(n, username, lim)
   WHERE k.lim > 0 ORDER BY k.n
   ON CONFLICT (username, ip_address) DO UPDATE SET
     failures = CASE WHEN ${REACHES} THEN '{}'::timestamptz[] ELSE ${RECENT} || now() END,
     last_failure_at = now(),
     locked_until = CASE WHEN ${REACHES} THEN ${COOLOFF} END
   WHERE f.locked_until IS NULL OR f.locked_until <= now()
   RETURNING f.username, ${WAIT} AS wait`,
);
/** A success forgets the pair's failures; the address's stay (logging into one's own account must not hide a spray). */
const RESET = statement('login_failure_reset', `DELETE FROM ${FAILURES} WHERE username = $username AND ip_address = $address`);
/** The operator's unlock: a username's rows, from every address or one. */
const UNLOCK = statement(
  'login_failure_unlock',
  `DELETE FROM ${FAILURES} f WHERE f.username = $username AND f.username <> '' AND ($address::varchar IS NULL OR f.ip_address = $address)
   RETURNING f.ip_address, CASE WHEN ${LOCKED} THEN ${WAIT} END AS wait,
     cardinality(ARRAY(SELECT t FROM unnest(f.failures) t WHERE t > now() - make_interval(secs => $window::float8))) AS failures`,
);
/** Rows that can no longer lock anyone: not locked, and no failure within the window. */
const FLUSH = statement(
  'login_failure_flush',
  `DELETE FROM ${FAILURES} f WHERE NOT coalesce(${LOCKED}, false) AND f.last_failure_at <= now() - make_interval(secs => $window::float8)`,
);

/** Which limit a lock is of: the username's from one address, or the address's across usernames. */
export type LockScope = 'username_and_address' | 'address';

/** The limits, window and cooloff of one count, in seconds; a limit of 0 is off. */
export interface LockoutLimits {
  readonly pairLimit: number;
  readonly addressLimit: number;
  readonly window: number;
  readonly cooloff: number;
}

export type FailureOutcome =
  /** Counted; no limit reached. */
  | { readonly kind: 'counted' }
  /** Locked for `wait` seconds: by this failure (`lockedNow` names the limits it reached) or, for a row it could not count, already. */
  | { readonly kind: 'locked'; readonly wait: number; readonly lockedNow: readonly LockScope[] };

/** What an unlock cleared, per address: the seconds the lock had left (null: none), and the failures within the window. */
export interface ClearedLockout {
  readonly address: string;
  readonly wait: number | null;
  readonly failures: number;
}

/**
 * The login failures, in PostgreSQL, timed by the database clock: every decision is one
 * statement on the rows of one (username, address) pair and one address (see COUNT).
 */
@Injectable()
export class LoginFailureRepository {
  constructor(private readonly db: AuthDatabase) {}

  /** Seconds until the pair or the address may log in again; null when neither is locked. */
  async lockedFor(username: string, address: string, limits: LockoutLimits): Promise<number | null> {
    const { rows } = await this.db.run<{ wait: number | null }>(CHECK, keyed(username, address, limits));
    return rows[0]?.wait ?? null;
  }

  /** Counts a failed login of `username` from `address`. */
  async countFailure(username: string, address: string, limits: LockoutLimits): Promise<FailureOutcome> {
    const params = keyed(username, address, limits);
    const { rows } = await this.db.run<{ username: string; wait: number | null } & QueryResultRow>(COUNT, params);
    const counted = (params.pair_limit > 0 ? 1 : 0) + (params.address_limit > 0 ? 1 : 0);
    const lockedNow = rows.filter((r) => r.wait !== null).map((r): LockScope => (r.username === EVERY_USERNAME ? 'address' : 'username_and_address'));
    if (lockedNow.length === 0 && rows.length === counted) return { kind: 'counted' };
    const waits = rows.map((r) => r.wait ?? 0);
    // A row this call could not count is locked already (by a concurrent failure): its wait counts too.
    if (rows.length < counted) waits.push((await this.lockedFor(username, address, limits)) ?? 0);
    const wait = Math.max(...waits);
    return wait > 0 ? { kind: 'locked', wait, lockedNow } : { kind: 'counted' };
  }

  /** A successful login of `username` from `address` forgets that pair's failures. */
  async reset(username: string, address: string): Promise<void> {
    await this.db.run(RESET, { username: key(username), address: key(address) });
  }

  /** Deletes `username`'s failures and locks, from every address or only `address`. */
  async unlock(username: string, address: string | null, windowSeconds: number): Promise<ClearedLockout[]> {
    const { rows } = await this.db.run<{ ip_address: string; wait: number | null; failures: number }>(UNLOCK, {
      username: key(username),
      address: address === null ? null : key(address),
      window: windowSeconds,
    });
    return rows.map((r) => ({ address: r.ip_address, wait: r.wait, failures: r.failures })).sort((a, b) => a.address.localeCompare(b.address));
  }

  /** Deletes the rows that can no longer lock anyone; answers how many. */
  async flushExpired(windowSeconds: number): Promise<number> {
    return (await this.db.run(FLUSH, { window: windowSeconds })).rowCount;
  }
}

function keyed(username: string, address: string, limits: LockoutLimits) {
  const name = key(username);
  return {
    username: name,
    address: key(address),
    // A blank username would be the address's own row: it counts there once, not twice.
    pair_limit: name === EVERY_USERNAME ? 0 : limits.pairLimit,
    address_limit: limits.addressLimit,
    window: limits.window,
    cooloff: limits.cooloff,
  };
}

/** The value as stored: itself, or `sha256:<hex>` when longer than the column allows. */
export function key(value: string): string {
  return value.length <= MAX_KEY_LENGTH ? value : `sha256:${createHash('sha256').update(value).digest('hex')}`;
}
