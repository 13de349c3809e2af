// METRICS_PORT: `node dist/main.js` serves Prometheus metrics on a port of its own, beside the
// API: requests by route pattern, their durations, the AuthModule's events, the pool, and
// prom-client's default process metrics.
import { mkdtempSync, rmSync, existsSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { freePort } from '../src/database/embedded-postgres.js';
import { AppMetrics } from '../src/observability/metrics.js';
import { Client } from './reliability/support/load.js';
import { dropDatabases, freshDatabase } from './support/database.js';
import { killAll, launch, listening, sleep, snapshotBuild, waitUntil, within, type Server } from './support/server-process.js';
import { bearer, databaseWithUsers, startApp } from './support/test-app.js';

const KEY = 'metrics-spec-signing-key-0123456789-abcdefghijklm';
const PASSWORD = 'correct horse';

/** The samples of a scrape: `name{labels}` (as written) → value. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    found.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return found;
}

async function scrape(metricsUrl: string): Promise<Map<string, number>> {
  const res = await fetch(metricsUrl);
  expect(res.status).toBe(200);
  return samples(await res.text());
}

async function json(url: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(url, { ...init, headers: { 'Content-Type': 'application/json', ...init.headers } });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : JSON.parse(text) };
}

const post = (url: string, body: unknown) => json(url, { method: 'POST', body: JSON.stringify(body) });

describe('metrics (node dist/main.js with METRICS_PORT)', () => {
  let tmp: string;
  let main: string;
  let databaseUrl: string;
  let server: Server;
  let api: string;
  let metricsPort: number;
  let metricsUrl: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'metrics-e2e-'));
    main = await snapshotBuild(join(tmp, 'build'));
    databaseUrl = await databaseWithUsers({ username: 'alice' });
    metricsPort = await freePort();
    server = launch(main, {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      PORT: '0',
      METRICS_PORT: String(metricsPort),
      JWT_SIGNING_KEY: KEY,
      THROTTLE_RATES: 'off',
      OPENAPI_PATH: 'off',
      // One connection, and waits long enough to watch a request queue for it.
      DATABASE_POOL_SIZE: '1',
      DATABASE_STATEMENT_TIMEOUT: '20s',
      DATABASE_POOL_TIMEOUT: '20s',
    });
    api = await listening(server);
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  }, 120_000);
  afterAll(async () => {
    killAll();
    await dropDatabases();
    if (tmp !== undefined) {
      if (existsSync(join(tmp, 'build', 'node_modules'))) unlinkSync(join(tmp, 'build', 'node_modules'));
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('says where, and answers GET /metrics in the Prometheus text format on METRICS_PORT, 404 elsewhere, 405 for another method', async () => {
    // The Metrics line follows the Listening line, and may reach the pipe in a later chunk.
    await waitUntil('the Metrics line', server, () => server.stdout().includes(`[Main] Metrics: ${metricsUrl}\n`));
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    for (const name of ['http_requests_total', 'http_request_duration_seconds', 'auth_events_total', 'db_pool_connections_in_use', 'db_pool_connections_idle', 'db_pool_waiting', 'nodejs_eventloop_lag_p99_seconds', 'process_resident_memory_bytes']) {
      expect(text).toMatch(new RegExp(`^# HELP ${name} \\S`, 'm'));
    }
    expect(text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);

    const elsewhere = await fetch(`http://127.0.0.1:${metricsPort}/`);
    expect([elsewhere.status, await elsewhere.text()]).toEqual([404, 'Not found: metrics are at /metrics\n']);
    const other = await fetch(`http://127.0.0.1:${metricsPort}/api/health/`);
    expect(other.status).toBe(404);
    const wrongMethod = await fetch(metricsUrl, { method: 'POST', body: '' });
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'GET, HEAD']);

    // Not on the API's port: there /metrics is just a path no route serves.
    const onApi = await json(`${api}/metrics`);
    expect(onApi).toEqual({ status: 404, body: { detail: 'Not found.' } });
  });

  it('counts requests by method, route pattern and status, never the raw URL; paths no route serves share one label value', async () => {
    const login = await post(`${api}/api/token/`, { username: 'alice', password: PASSWORD });
    expect(login.status).toBe(200);
    const auth = { headers: bearer(login.body.access) };
    for (const id of [1001, 1002, 1003]) expect((await json(`${api}/api/notes/${id}/`, auth)).status).toBe(404);
    expect((await json(`${api}/api/me/`, auth)).status).toBe(200);
    expect((await json(`${api}/api/me`, auth)).status).toBe(200); // the trailing-slash twin: the same route
    for (const path of ['/no/such/path', '/another/unknown/one', '/api/notes/1/extra']) expect((await json(`${api}${path}`)).status).toBe(404);

    const text = await (await fetch(metricsUrl)).text();
    const m = samples(text);
    expect(m.get('http_requests_total{method="GET",route="/api/notes/:id",status="404"}')).toBe(3);
    expect(m.get('http_requests_total{method="GET",route="/api/me",status="200"}')).toBe(2);
    expect(m.get('http_requests_total{method="POST",route="/api/token",status="200"}')).toBe(1);
    // The three unknown paths, and GET /metrics on the API above: one series.
    expect(m.get('http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(4);
    expect(m.get('http_request_duration_seconds_count{method="GET",route="/api/notes/:id"}')).toBe(3);
    expect(m.get('http_request_duration_seconds_count{method="GET",route="/api/me"}')).toBe(2);
    expect(m.get('http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/me"}')).toBe(2);
    const seconds = m.get('http_request_duration_seconds_sum{method="GET",route="/api/me"}')!;
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(5);
    // No raw path, id or token in any label (the labels only: a sample's value may well hold the digits 1001).
    const labels = text.match(/\{[^}\n]*\}/g) ?? [];
    expect(labels.length).toBeGreaterThan(20);
    expect(labels.filter((set) => /\/no\/such|\/another|1001|extra|eyJ/.test(set))).toEqual([]);
  });

  it('counts the AuthModule events, which still reach the log', async () => {
    const before = await scrape(metricsUrl);
    const event = (name: string, m: Map<string, number>) => m.get(`auth_events_total{event="${name}"}`)!;
    expect(event('reuse_detected', before)).toBe(0); // every event shows, from 0

    expect((await post(`${api}/api/token/`, { username: 'alice', password: 'wrong' })).status).toBe(401);
    expect((await post(`${api}/api/token/`, { username: 'nobody', password: 'wrong' })).status).toBe(401);
    const pair = await post(`${api}/api/token/`, { username: 'alice', password: PASSWORD });
    const refreshed = await post(`${api}/api/token/refresh/`, { refresh: pair.body.refresh });
    expect(refreshed.status).toBe(200);
    expect((await post(`${api}/api/token/blacklist/`, { refresh: refreshed.body.refresh })).status).toBe(200);

    const after = await scrape(metricsUrl);
    const delta = (name: string) => event(name, after) - event(name, before);
    expect(['login_failed', 'login_succeeded', 'token_refreshed', 'logout', 'reuse_detected', 'login_locked'].map((name) => [name, delta(name)])).toEqual([
      ['login_failed', 2],
      ['login_succeeded', 1],
      ['token_refreshed', 1],
      ['logout', 1],
      ['reuse_detected', 0],
      ['login_locked', 0],
    ]);
    // The log's sink is still in the list: each event is a line there too.
    expect(server.stdout()).toMatch(/\[AuthEvents\] login_failed \{"event":"login_failed","user_id":null,"reason":"invalid_credentials","username":"nobody"/);
    expect(server.stdout()).toMatch(/\[AuthEvents\] logout \{"event":"logout","user_id":"1"/);
  });

  it('reads the pool at each scrape: connections in use, idle, and requests waiting for one', async () => {
    const login = await post(`${api}/api/token/`, { username: 'alice', password: PASSWORD });
    const pool = (m: Map<string, number>) => [m.get('db_pool_connections_in_use'), m.get('db_pool_connections_idle'), m.get('db_pool_waiting'), m.get('db_pool_connections_max')];
    expect(pool(await scrape(metricsUrl))).toEqual([0, 1, 0, 1]);

    // auth_user locked: the user lookups of two authenticated GETs wait, one on the pool's only
    // connection, the other for that connection.
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE auth_user IN ACCESS EXCLUSIVE MODE');
      const blocked = [json(`${api}/api/me/`, { headers: bearer(login.body.access) }), json(`${api}/api/me/`, { headers: bearer(login.body.access) })];
      let seen: unknown[] = [];
      for (let i = 0; i < 100; i++) {
        seen = pool(await scrape(metricsUrl));
        if (seen[2] === 1) break;
        await sleep(50);
      }
      expect(seen).toEqual([1, 0, 1, 1]);
      await locker.query('COMMIT');
      expect((await Promise.all(blocked)).map((r) => r.status)).toEqual([200, 200]);
    } finally {
      await locker.end().catch(() => {});
    }
    expect(pool(await scrape(metricsUrl))).toEqual([0, 1, 0, 1]);
  });

  it("includes prom-client's default metrics: event-loop lag, memory, CPU", async () => {
    const m = await scrape(metricsUrl);
    for (const name of ['nodejs_eventloop_lag_p99_seconds', 'nodejs_eventloop_lag_max_seconds', 'process_resident_memory_bytes', 'process_cpu_seconds_total', 'nodejs_heap_size_used_bytes']) {
      expect(Number.isFinite(m.get(name))).toBe(true);
    }
    expect(m.get('process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
  });

  it('answers scrapes through the drain (the 503s and the probes counted), and closes with the process on SIGTERM', async () => {
    const login = await post(`${api}/api/token/`, { username: 'alice', password: PASSWORD });
    const kept = new Client([]);
    const locker = new pg.Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      expect((await kept.get(api, '/api/health/ready')).outcome).toBe(200);
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE auth_user IN ACCESS EXCLUSIVE MODE');
      const inFlight = json(`${api}/api/me/`, { headers: bearer(login.body.access) });
      await sleep(300);
      process.kill(server.child.pid!, 'SIGTERM');
      await sleep(300);

      const ready = await kept.get(api, '/api/health/ready');
      expect({ outcome: ready.outcome, body: ready.body }).toEqual({ outcome: 503, body: { status: 'shutting_down' } });
      const during = await scrape(metricsUrl);
      expect(during.get('http_requests_total{method="GET",route="/api/health/ready",status="503"}')).toBe(1);
      expect(during.get('db_pool_connections_in_use')).toBe(1);

      await locker.query('COMMIT');
      expect((await inFlight).status).toBe(200);
      expect(await within(server.closed, 15_000)).toEqual({ code: 0, signal: null });
      const gone = await fetch(metricsUrl).then(
        () => 'answered',
        (error: { cause?: { code?: string } }) => error.cause?.code,
      );
      expect(gone).toBe('ECONNREFUSED');
      expect(server.stderr()).toBe('');
    } finally {
      kept.close();
      await locker.end().catch(() => {});
    }
  });
});

describe('metrics off (METRICS_PORT unset or 0)', () => {
  it('starts no metrics server and keeps no registry', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'metrics-off-e2e-'));
    try {
      const main = await snapshotBuild(join(tmp, 'build'));
      const databaseUrl = await freshDatabase();
      const server = launch(main, { NODE_ENV: 'test', DATABASE_URL: databaseUrl, PORT: '0', METRICS_PORT: '0', JWT_SIGNING_KEY: KEY, OPENAPI_PATH: 'off' });
      await listening(server);
      process.kill(server.child.pid!, 'SIGTERM');
      expect(await within(server.closed, 15_000)).toEqual({ code: 0, signal: null });
      expect(server.stdout()).not.toContain('Metrics:');

      const t = await startApp({}, databaseUrl);
      try {
        expect(() => t.app.get(AppMetrics)).toThrow();
        expect((await t.http().get('/api/health/live')).status).toBe(200);
      } finally {
        await t.close();
      }
      const on = await startApp({ METRICS_PORT: String(await freePort()) }, databaseUrl);
      try {
        expect((await on.http().get('/api/health/live')).status).toBe(200);
        const m = samples(await on.app.get(AppMetrics).scrape());
        expect(m.get('http_requests_total{method="GET",route="/api/health/live",status="200"}')).toBe(1);
      } finally {
        await on.close();
      }
    } finally {
      killAll();
      if (existsSync(join(tmp, 'build', 'node_modules'))) unlinkSync(join(tmp, 'build', 'node_modules'));
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});
