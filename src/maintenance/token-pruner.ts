import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { AuthDatabase, type QueryOutcome } from '@nest-simplejwt/auth';
import type { ShutdownState } from '../lifecycle/shutdown-state.js';
import { describeFlush, flushExpired, type FlushCounts } from './flush-expired.js';

/**
 * The key of the transaction-level advisory lock a round holds: one round at a time across every
 * instance on the database. ('nestjwt:' as a 64-bit number; any fixed value would do.)
 */
export const FLUSH_LOCK_KEY = 0x6e6573746a77743an;

/**
 * A round's own connection gets this long per statement, and the connection this long to open:
 * longer than a request's DATABASE_STATEMENT_TIMEOUT (a first round may have a large backlog),
 * short enough that a stuck round cannot hold the lock for long.
 */
const ROUND_STATEMENT_TIMEOUT_MS = 60_000;
const CONNECT_TIMEOUT_MS = 10_000;

export interface TokenPrunerOptions {
  readonly databaseUrl: string;
  /** FLUSH_EXPIRED_TOKENS_INTERVAL, seconds (> 0). */
  readonly intervalSeconds: number;
  /** LOGIN_FAILURE_WINDOW, seconds. */
  readonly loginFailureWindow: number;
  readonly state: ShutdownState;
}

/** What one round did. */
export type RoundOutcome = { readonly kind: 'flushed'; readonly counts: FlushCounts } | { readonly kind: 'skipped' } | { readonly kind: 'failed' };

/**
 * FLUSH_EXPIRED_TOKENS_INTERVAL: `flushexpiredtokens` inside the server, once at start and then
 * every interval. Each round opens a connection of its own (outside the request pool), begins a
 * transaction and takes `pg_try_advisory_xact_lock(FLUSH_LOCK_KEY)`: an instance that does not
 * get it skips the round, as another is flushing; the one that does deletes inside that
 * transaction, and the lock ends with it (a crash closes the connection, which ends it too).
 * One log line per round. The timer does not keep the process alive, and stops at shutdown.
 */
export class TokenPruner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('TokenPruner');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RoundOutcome> | undefined;
  private stopped = false;

  constructor(private readonly options: TokenPrunerOptions) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round now (the timer's work). */
  async round(): Promise<RoundOutcome> {
    const started = Date.now();
    const client = new pg.Client({
      connectionString: this.options.databaseUrl,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: ROUND_STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: ROUND_STATEMENT_TIMEOUT_MS,
      query_timeout: ROUND_STATEMENT_TIMEOUT_MS + 1000,
      application_name: 'nest-simplejwt flushexpiredtokens',
    });
    // A connection lost mid-round is an 'error' event; unheard, it would end the process.
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('BEGIN');
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [FLUSH_LOCK_KEY.toString()]);
      if (!rows[0].locked) {
        await client.query('ROLLBACK');
        this.logger.log('Flushing expired tokens: skipped, another instance is flushing them');
        return { kind: 'skipped' };
      }
      const counts = await flushExpired(new OnOneConnection(client), this.options.loginFailureWindow);
      await client.query('COMMIT');
      this.logger.log(`Flushed expired tokens in ${Date.now() - started} ms: deleted ${describeFlush(counts)}`);
      return { kind: 'flushed', counts };
    } catch (error) {
      this.logger.warn(`Flushing expired tokens failed (${error instanceof Error ? error.message : String(error)}); the next round is in ${this.options.intervalSeconds} s`);
      return { kind: 'failed' };
    } finally {
      await client.end().catch(() => {});
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      if (this.stopped || this.options.state.shuttingDown) return;
      this.running = this.round();
      void this.running.finally(() => {
        this.running = undefined;
        this.schedule(this.options.intervalSeconds * 1000);
      });
    }, delayMs);
    this.timer.unref();
  }
}

/**
 * The AuthModule's repositories' statements, run on the round's connection inside its
 * transaction (where the lock is held) rather than on the pool.
 */
class OnOneConnection extends AuthDatabase {
  constructor(private readonly client: pg.Client) {
    super({});
  }

  override async query<T extends pg.QueryResultRow>(_name: string, text: string, values: unknown[] = []): Promise<QueryOutcome<T>> {
    const result = await this.client.query<T>(text, values);
    return { rows: result.rows, rowCount: result.rowCount ?? 0 };
  }
}
