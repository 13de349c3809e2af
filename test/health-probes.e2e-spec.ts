// The Kubernetes probes beside GET /api/health/: liveness (/api/health/live) says the process
// serves HTTP and never asks the database; readiness (/api/health/ready) says whether this
// instance should get traffic: the database answers and no shutdown is under way.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ShutdownState } from '../src/lifecycle/shutdown-state.js';
import { Client } from './reliability/support/load.js';
import { allowConnections, dropDatabases } from './support/database.js';
import { startApp, type TestApp } from './support/test-app.js';

const LIVE = '{"status":"ok"}';
const READY = '{"status":"ok","database":"ok"}';
const DATABASE_UNAVAILABLE = { status: 'unavailable', database: 'unavailable' };
const SHUTTING_DOWN = { status: 'shutting_down' };
const DRF_UNAVAILABLE = { detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' };

afterAll(() => dropDatabases());

describe('GET /api/health/live and /api/health/ready', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await allowConnections(t.databaseUrl, true).catch(() => {});
    await t?.close();
  });

  it.each(['/api/health/live', '/api/health/live/'])('liveness answers 200 {"status":"ok"} at %s without credentials', async (path) => {
    const res = await t.http().get(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.text).toBe(LIVE);
  });

  it.each(['/api/health/ready', '/api/health/ready/'])('readiness answers 200 {"status":"ok","database":"ok"} at %s without credentials', async (path) => {
    const res = await t.http().get(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.text).toBe(READY);
  });

  it('the existing GET /api/health/ answers as before', async () => {
    const res = await t.http().get('/api/health/');
    expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: READY });
  });

  it('answers another method with 405 and Allow, as every route does', async () => {
    for (const path of ['/api/health/live', '/api/health/ready']) {
      const res = await t.http().post(path).send({});
      expect({ status: res.status, body: res.body, allow: res.headers.allow }).toEqual({
        status: 405,
        body: { detail: 'Method "POST" not allowed.' },
        allow: 'GET, HEAD, OPTIONS',
      });
    }
  });

  it('while the database refuses connections: readiness 503 naming the database, liveness still 200 (it never asks)', async () => {
    await allowConnections(t.databaseUrl, false);
    try {
      const started = Date.now();
      const ready = await t.http().get('/api/health/ready').timeout(10_000);
      expect({ status: ready.status, body: ready.body }).toEqual({ status: 503, body: DATABASE_UNAVAILABLE });
      expect(Date.now() - started).toBeLessThan(5_000);
      const live = await t.http().get('/api/health/live').timeout(10_000);
      expect({ status: live.status, text: live.text }).toEqual({ status: 200, text: LIVE });
    } finally {
      await allowConnections(t.databaseUrl, true);
    }
    const ready = await t.http().get('/api/health/ready');
    expect({ status: ready.status, text: ready.text }).toEqual({ status: 200, text: READY });
  });
});

describe('the probes during the drain (a shutdown under way)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t?.close());

  it('readiness answers 503 {"status":"shutting_down"} itself; liveness stays 200; everything else gets the drain\'s DRF 503', async () => {
    const client = new Client([]);
    try {
      expect((await client.get(t.url, '/api/health/ready')).outcome).toBe(200);
      t.app.get(ShutdownState).begin();

      const ready = await client.get(t.url, '/api/health/ready');
      expect({ outcome: ready.outcome, body: ready.body, connection: ready.headers.connection }).toEqual({ outcome: 503, body: SHUTTING_DOWN, connection: 'close' });
      const readySlash = await client.get(t.url, '/api/health/ready/?probe=1');
      expect({ outcome: readySlash.outcome, body: readySlash.body }).toEqual({ outcome: 503, body: SHUTTING_DOWN });
      const live = await client.get(t.url, '/api/health/live');
      expect({ outcome: live.outcome, body: live.body, connection: live.headers.connection }).toEqual({ outcome: 200, body: { status: 'ok' }, connection: 'close' });

      // The rest, /api/health/ included, is the drain's: DRF's 503 with Retry-After.
      for (const path of ['/api/health/', '/api/me/', '/api/health/readyx']) {
        const other = await client.get(t.url, path);
        expect({ outcome: other.outcome, body: other.body, retryAfter: other.headers['retry-after'] }).toEqual({ outcome: 503, body: DRF_UNAVAILABLE, retryAfter: '1' });
      }
    } finally {
      client.close();
    }
  });
});

describe('the probes in the OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ OPENAPI_PATH: 'api/docs' });
  });
  afterAll(() => t?.close());

  it('lists liveness and readiness with their answers', async () => {
    const doc = (await t.http().get('/api/docs-json')).body;
    const live = doc.paths['/api/health/live'].get;
    const ready = doc.paths['/api/health/ready'].get;
    expect(live.tags).toEqual(['health']);
    expect(live.responses['200'].content['application/json'].schema.example).toEqual({ status: 'ok' });
    expect(ready.responses['200'].content['application/json'].schema.example).toEqual({ status: 'ok', database: 'ok' });
    const examples = Object.values<{ value: unknown }>(ready.responses['503'].content['application/json'].examples).map((e) => e.value);
    expect(examples).toEqual([DATABASE_UNAVAILABLE, SHUTTING_DOWN]);
  });
});

describe('the probes are never throttled (@NoThrottle)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ THROTTLE_RATES: 'anon=2/minute,user=2/minute' });
  });
  afterAll(() => t?.close());

  it('20 probes from one address all answer 200, and take nothing from that address’s anon budget', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await t.http().get('/api/health/live')).status).toBe(200);
      expect((await t.http().get('/api/health/ready')).status).toBe(200);
    }
    // The address still has its 2 anonymous requests a minute, then DRF's 429.
    expect((await t.http().get('/api/health/')).status).toBe(200);
    expect((await t.http().get('/api/health/')).status).toBe(200);
    const third = await t.http().get('/api/health/');
    const wait = Number(third.headers['retry-after']);
    expect({ status: third.status, body: third.body }).toEqual({ status: 429, body: { detail: `Request was throttled. Expected available in ${wait} seconds.` } });
    expect(wait).toBeGreaterThan(50);
  });
});
