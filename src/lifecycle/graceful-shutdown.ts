import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { INestApplication, Logger } from '@nestjs/common';
import { RequestDrain, type InFlightRequest } from './request-drain.js';
import { ShutdownState } from './shutdown-state.js';

export interface ShutdownOptions {
  readonly signal: string;
  /** SHUTDOWN_TIMEOUT: how long in-flight requests get, in milliseconds. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Stops the embedded PostgreSQL (a no-op with DATABASE_URL). */
  readonly stopDatabase: () => Promise<void>;
  /** Closes the metrics server (METRICS_PORT), which answers scrapes until the drain is over. */
  readonly stopMetrics?: () => Promise<void>;
}

/**
 * Closing the pool and the database gets this long after the drain. After a cut, the pool
 * cannot close until the cut requests' statements end: it gets a second, not more.
 */
const CLOSE_TIMEOUT_MS = 5000;
const CLOSE_AFTER_CUT_MS = 1000;
/**
 * After the drain, kept-alive connections get this long (within SHUTDOWN_TIMEOUT) to send their
 * next request, which is answered 503 with Connection: close and ends the connection cleanly.
 * Dropping an idle connection instead races with a client sending on it: a reset, which the
 * SIGTERM drill saw 5 times in 3638 requests. A connection still open after it is closed.
 */
const IDLE_LINGER_MS = 1000;

/**
 * The shutdown Kubernetes expects on SIGTERM: readiness off and new requests turned away (503,
 * Connection: close), the listener closed, in-flight requests given `timeoutMs` to finish (past
 * it they are cut: answered 503 and named in the log), then the pool and the database closed
 * and one line saying how it went. Answers the exit code: 0, or 1 when anything was cut or did
 * not close in time.
 */
export async function gracefulShutdown(app: INestApplication, options: ShutdownOptions): Promise<number> {
  const { signal, timeoutMs, logger } = options;
  const started = Date.now();
  const drain = app.get(RequestDrain);
  app.get(ShutdownState).begin();
  const server = app.getHttpServer() as Server;
  // net's close, not http's: http's also drops idle kept-alive connections at once, which races
  // with a client sending on one (a reset); these are told Connection: close on their next answer.
  NetServer.prototype.close.call(server);
  logger.log(`${signal}: shutting down: not ready, no new connections, ${drain.size} request(s) in flight (up to ${seconds(timeoutMs)} s)`);

  const cut = await drain.settle(timeoutMs);
  if (cut.length > 0) {
    logger.error(`Shutdown deadline (${seconds(timeoutMs)} s) passed: cut ${cut.length} request(s) still running: ${describe(cut)}`);
    drain.cut(cut);
  }
  if (cut.length === 0) await connectionsEnd(server, Math.min(IDLE_LINGER_MS, Math.max(0, timeoutMs - (Date.now() - started))));
  server.closeIdleConnections();
  const budget = cut.length > 0 ? CLOSE_AFTER_CUT_MS : CLOSE_TIMEOUT_MS;
  const poolClosed = await within(app.close(), budget);
  if (options.stopMetrics) await within(options.stopMetrics(), CLOSE_AFTER_CUT_MS);
  const databaseStopped = await within(options.stopDatabase(), CLOSE_TIMEOUT_MS);
  const outcome = [`${drain.finished} in-flight request(s) finished`, `${drain.refused} turned away with 503`];
  if (cut.length > 0) outcome.push(`${cut.length} cut`);
  if (!poolClosed) outcome.push(`the pool did not close within ${seconds(budget)} s`);
  if (!databaseStopped) outcome.push(`PostgreSQL did not stop within ${seconds(CLOSE_TIMEOUT_MS)} s`);
  logger.log(`Shut down in ${seconds(Date.now() - started)} s (${signal}): ${outcome.join(', ')}`);
  return cut.length === 0 && poolClosed && databaseStopped ? 0 : 1;
}

/** Resolves when the closed server's last connection has ended, or after `ms`. */
async function connectionsEnd(server: Server, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    server.once('close', () => resolve());
    server.getConnections((_error, count) => {
      if (count === 0) resolve();
    });
  });
  clearTimeout(timer);
}

function describe(requests: readonly InFlightRequest[]): string {
  const now = Date.now();
  return requests.map((r) => `${r.method} ${r.path} (running ${seconds(now - r.startedAt)} s)`).join(', ');
}

/** True when `work` settles within `ms` (a failure to close counts as closed: nothing to wait for). */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

const seconds = (ms: number) => (Math.round(ms / 100) / 10).toFixed(1);
