import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { AuthEvent, AuthEventName, AuthEventSink } from '@nest-simplejwt/auth';

/** The `route` label of a request no route matched (404s, 405s): one value, whatever the path. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Seconds; finer than prom-client's default at the low end, where this API's answers are. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Every event the AuthModule records, so each counter shows from 0 before it first happens. */
const AUTH_EVENTS: Record<AuthEventName, true> = {
  login_succeeded: true,
  login_failed: true,
  token_refreshed: true,
  logout: true,
  reuse_detected: true,
  session_revoked: true,
  login_locked: true,
  password_changed: true,
};

/** Where the pool's figures come from on each scrape (null: not there, e.g. closed). */
export type PoolSource = () => pg.Pool | null | undefined;

/**
 * The app's Prometheus metrics, in a registry of their own (not prom-client's global one, so
 * two apps in one process, as in the specs, never share or clash):
 *
 * - `http_requests_total{method,route,status}` and `http_request_duration_seconds{method,route}`,
 *   labelled by the route's pattern (`/api/notes/:id`), never the raw URL;
 * - `auth_events_total{event}`, from the AuthModule's events;
 * - `db_pool_connections_in_use`, `_idle`, `db_pool_waiting`, `db_pool_connections_max`, read
 *   from the pg pool at each scrape;
 * - prom-client's default metrics (`process_*`, `nodejs_*`, event-loop lag included).
 */
export class AppMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to sending its answer, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly authEvents = new Counter({
    name: 'auth_events_total',
    help: 'Authentication events (logins, refreshes, logouts, reuse, revocations, lockouts), by event',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });
  private pool: PoolSource = () => null;
  /** Children by "method route status": a label lookup per request is a Map get, not a hash of the labels. */
  private readonly recorders = new Map<string, { count: Counter.Internal; time: Histogram.Internal<'method' | 'route'> }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const event of Object.keys(AUTH_EVENTS)) this.authEvents.inc({ event }, 0);
    const pool = () => this.pool();
    const gauge = (name: string, help: string, read: (pool: pg.Pool) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const current = pool();
          if (current) this.set(read(current));
        },
      });
    gauge('db_pool_connections_in_use', 'Database connections lent out to a query or transaction', (p) => p.totalCount - p.idleCount);
    gauge('db_pool_connections_idle', 'Database connections open and free', (p) => p.idleCount);
    gauge('db_pool_waiting', 'Queries waiting for a database connection (the pool is full)', (p) => p.waitingCount);
    gauge('db_pool_connections_max', 'Most connections the pool opens (DATABASE_POOL_SIZE)', (p) => p.options.max ?? 10);
  }

  /** Counts and times every answer Fastify sends; call before the app is initialised. */
  instrument(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      this.request(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }

  /** Reads the pool's figures from `source` at each scrape. */
  observePool(source: PoolSource): void {
    this.pool = source;
  }

  /** The sink that counts the AuthModule's events. */
  readonly events: AuthEventSink = {
    record: (event: AuthEvent) => this.authEvents.inc({ event: event.event }),
  };

  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private request(method: string, pattern: string | undefined, status: number, seconds: number): void {
    const route = routeLabel(pattern);
    const key = `${method} ${route} ${status}`;
    let recorder = this.recorders.get(key);
    if (recorder === undefined) {
      recorder = { count: this.requests.labels(method, route, String(status)), time: this.durations.labels(method, route) };
      this.recorders.set(key, recorder);
    }
    recorder.count.inc();
    recorder.time.observe(seconds);
  }
}

/**
 * A route's pattern as a label: `/api/notes/:id`, its trailing-slash twin (`/api/notes/:id/`)
 * counted with it; none (no route matched) is UNMATCHED_ROUTE.
 */
export function routeLabel(pattern: string | undefined): string {
  if (pattern === undefined || pattern === '' || pattern === '*' || pattern === '/*') return UNMATCHED_ROUTE;
  return pattern.length > 1 && pattern.endsWith('/') ? pattern.slice(0, -1) : pattern;
}
