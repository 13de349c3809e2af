import pg from 'pg';
import type { AuthModuleOptions } from '../auth.options.js';
import { parseDuration } from '../auth.settings.js';

/** How long the app waits on PostgreSQL, in milliseconds (0: no limit). */
export interface DatabaseTimeouts {
  /** One statement; PostgreSQL cancels it past this (SQLSTATE 57014). */
  readonly statementMs: number;
  /** A connection from the pool: a free one, or a new one opened. */
  readonly poolMs: number;
}

export const DEFAULT_STATEMENT_TIMEOUT = '5s';
export const DEFAULT_POOL_TIMEOUT = '3s';

/** The module's `databaseStatementTimeout` and `databasePoolTimeout`, checked, with their defaults. */
export function databaseTimeouts(options: Pick<AuthModuleOptions, 'databaseStatementTimeout' | 'databasePoolTimeout'>): DatabaseTimeouts {
  return {
    statementMs: Math.round(parseDuration(options.databaseStatementTimeout ?? DEFAULT_STATEMENT_TIMEOUT, 'databaseStatementTimeout') * 1000),
    poolMs: Math.round(parseDuration(options.databasePoolTimeout ?? DEFAULT_POOL_TIMEOUT, 'databasePoolTimeout') * 1000),
  };
}

/** How long the client waits past the statement timeout for an answer that may never come. */
const NETWORK_GRACE_MS = 500;

/**
 * pg Pool settings that bound every wait: PostgreSQL cancels a statement past `statementMs`
 * and ends a session left idle inside a transaction that long (a client that vanished keeps no
 * locks); the client gives up on an answer shortly after (a silent network), and on a
 * connection after `poolMs`. For `new pg.Pool()`, or TypeORM's `extra`.
 */
export function databasePoolOptions(timeouts: DatabaseTimeouts): pg.PoolConfig {
  const bounded = timeouts.statementMs > 0;
  return {
    Client: bounded ? BoundedClient : pg.Client,
    connectionTimeoutMillis: timeouts.poolMs,
    ...(bounded && {
      statement_timeout: timeouts.statementMs,
      idle_in_transaction_session_timeout: timeouts.statementMs,
      query_timeout: timeouts.statementMs + NETWORK_GRACE_MS,
    }),
  };
}

type QueryCallback = (error: Error | null, result?: unknown) => void;

/**
 * A pg Client that closes its connection when an answer does not come within `query_timeout`:
 * the connection is silent, so it must not go back to the pool for the next request to wait on
 * (pg leaves it open, and TypeORM releases it to the pool as healthy).
 */
export class BoundedClient extends pg.Client {
  // pg's query() has many overloads; this passes every form through and watches its outcome.
  override query(...args: unknown[]): never {
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as QueryCallback;
      args[last] = (error: Error | null, result?: unknown) => {
        if (error) this.abandonIfSilent(error);
        callback(error, result);
      };
    }
    const outcome = (super.query as (...a: unknown[]) => unknown)(...args);
    if (outcome instanceof Promise) {
      return outcome.catch((error: Error) => {
        this.abandonIfSilent(error);
        throw error;
      }) as never;
    }
    return outcome as never;
  }

  private abandonIfSilent(error: Error): void {
    if (error.message !== 'Query read timeout') return;
    (this as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }
}
