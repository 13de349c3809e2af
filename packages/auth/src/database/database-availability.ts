import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AuthDatabase } from './auth-database.js';
import type { DatabaseUnavailability } from './database-errors.js';

const PROBE_EVERY_MS = 500;
const REMIND_EVERY_MS = 60_000;

/**
 * What the log says about the database: one warning when requests start failing because it is
 * unavailable, one (with the outage's length and how many requests got a 503) when it answers
 * again, and a reminder a minute while it stays away; the failures in between are only counted.
 * While it is away, a `SELECT 1` every half second finds out when it is back.
 */
@Injectable()
export class DatabaseAvailability implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private outage: { since: number; failures: number; lastFailure: number; settledAt: number; remindedAt: number } | null = null;
  private probe?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly db: AuthDatabase) {}

  /** False from the first failed request until the database answers again. */
  get available(): boolean {
    return this.outage === null;
  }

  /** A request could not be served because of `cause`: logged once per outage, counted always. */
  reportFailure(cause: DatabaseUnavailability): void {
    const now = Date.now();
    if (this.outage === null) {
      this.outage = { since: now, failures: 0, lastFailure: now, settledAt: now, remindedAt: now };
      this.logger.warn(`The database is unavailable (${cause.description}): requests that need it get 503 until it answers again`);
      this.scheduleProbe();
    } else if (now - this.outage.remindedAt >= REMIND_EVERY_MS) {
      this.outage.remindedAt = now;
      this.logger.warn(
        `The database is still unavailable after ${seconds(now - this.outage.since)} s (${this.outage.failures} requests answered 503; latest: ${cause.description})`,
      );
    }
    this.outage.failures++;
    this.outage.lastFailure = now;
    this.outage.settledAt = Math.max(this.outage.settledAt, now + this.settleMs(cause));
  }

  /**
   * How long after a failure a request could still fail for the same cause: at once when the
   * database refuses; after the pool's statement or connection timeout when it is slow.
   */
  private settleMs(cause: DatabaseUnavailability): number {
    if (cause.kind === 'unreachable') return PROBE_EVERY_MS;
    const { statement_timeout, connectionTimeoutMillis } = this.db.pool.options;
    return Math.max(Number(statement_timeout) || 0, connectionTimeoutMillis ?? 0) + PROBE_EVERY_MS;
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.probe);
  }

  private scheduleProbe(): void {
    if (this.stopped) return;
    this.probe = setTimeout(() => void this.check(), PROBE_EVERY_MS);
    this.probe.unref();
  }

  /** Back once a probe answers and no request has failed for as long as a failure takes to show. */
  private async check(): Promise<void> {
    const outage = this.outage;
    if (outage === null) return;
    let answered = false;
    try {
      await this.db.pool.query('SELECT 1');
      answered = true;
    } catch {
      outage.lastFailure = Date.now();
    }
    if (answered && Date.now() >= outage.settledAt) {
      this.outage = null;
      this.logger.warn(
        `The database is available again after ${seconds(outage.lastFailure - outage.since)} s (${outage.failures} requests answered 503)`,
      );
      return;
    }
    if (this.outage === outage) this.scheduleProbe();
  }
}

const seconds = (ms: number) => (Math.round(ms / 100) / 10).toFixed(1);
