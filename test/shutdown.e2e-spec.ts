// Shutdown as Kubernetes drives it: on SIGTERM (or SIGINT) the instance is not ready, closes its
// listener, lets in-flight requests finish, answers arrivals on open connections DRF's 503 with
// Retry-After and Connection: close, then closes the pool, says how it went, and exits 0.
import { mkdtempSync, rmSync, existsSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ShutdownState } from '../src/lifecycle/shutdown-state.js';
import { Client, type Sample } from './reliability/support/load.js';
import { dropDatabases } from './support/database.js';
import { killAll, launch, listening, sleep, snapshotBuild, within } from './support/server-process.js';
import { createUser, databaseWithUsers, startApp, type TestApp } from './support/test-app.js';

const UNAVAILABLE = { detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' };
const KEY = 'shutdown-spec-signing-key-0123456789-abcdefghijkl';

afterAll(() => dropDatabases());

/** What a client needs to see of a refused request: the DRF body, Retry-After 1, Connection: close. */
const refusal = (sample: Sample) => ({ outcome: sample.outcome, body: sample.body, retryAfter: sample.headers['retry-after'], connection: sample.headers.connection });
const REFUSED = { outcome: 503, body: UNAVAILABLE, retryAfter: '1', connection: 'close' };

describe('ShutdownState (in-process)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
    await createUser(t, { username: 'alice' });
  });
  afterAll(() => t?.close());

  it('once shutting down, every route answers DRF 503 with Retry-After and Connection: close, health included', async () => {
    const client = new Client([]);
    try {
      expect((await client.get(t.url, '/api/health/')).outcome).toBe(200);
      expect(t.app.get(ShutdownState).shuttingDown).toBe(false);
      t.app.get(ShutdownState).begin();
      expect(t.app.get(ShutdownState).shuttingDown).toBe(true);
      expect(refusal(await client.get(t.url, '/api/health/'))).toEqual(REFUSED);
      expect(refusal(await client.post(t.url, '/api/token/', { username: 'alice', password: 'correct horse' }))).toEqual(REFUSED);
      expect(refusal(await client.get(t.url, '/no/such/route/'))).toEqual(REFUSED);
    } finally {
      client.close();
    }
  });
});

describe('SIGTERM and SIGINT (spawned dist/main.js)', () => {
  let tmp: string;
  let main: string;
  let databaseUrl: string;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'shutdown-e2e-'));
    main = await snapshotBuild(join(tmp, 'build'));
    databaseUrl = await databaseWithUsers({ username: 'alice' });
  });
  afterAll(() => {
    killAll();
    if (existsSync(join(tmp, 'build', 'node_modules'))) unlinkSync(join(tmp, 'build', 'node_modules'));
    rmSync(tmp, { recursive: true, force: true });
  });

  it('SIGTERM: an in-flight request finishes, an arrival on an open connection gets 503, new connections are refused, exit 0', async () => {
    const server = launch(main, { DATABASE_URL: databaseUrl, PORT: '0', JWT_SIGNING_KEY: KEY });
    const kept = new Client([]);
    const other = new Client([]);
    const locker = new pg.Client({ connectionString: databaseUrl });
    try {
      const url = await listening(server);
      // A kept-alive connection, open before the signal.
      const { refresh } = (await kept.post(url, '/api/token/', { username: 'alice', password: 'correct horse' })).body as { refresh: string };
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('SELECT id FROM token_session FOR UPDATE');
      const inFlight = other.post(url, '/api/token/refresh/', { refresh });
      await sleep(300);
      process.kill(server.child.pid!, 'SIGTERM');
      await sleep(300);
      const arrival = await kept.get(url, '/api/health/');
      const fresh = new Client([]);
      const newConnection = await fresh.get(url, '/api/health/');
      fresh.close();
      await locker.query('COMMIT');
      const finished = await inFlight;
      const exit = await within(server.closed, 15000);

      expect(refusal(arrival)).toEqual(REFUSED);
      expect(newConnection.outcome).toBe('ECONNREFUSED');
      expect([finished.outcome, finished.headers.connection]).toEqual([200, 'close']);
      expect(exit).toEqual({ code: 0, signal: null });
      const log = server.stdout();
      expect(log).toMatch(/SIGTERM: shutting down: not ready, no new connections, 1 request\(s\) in flight \(up to 10\.0 s\)\n/);
      expect(log).toMatch(/Shut down in \d+\.\d s \(SIGTERM\): 1 in-flight request\(s\) finished, 1 turned away with 503\n/);
      expect(server.stderr()).toBe('');
    } finally {
      kept.close();
      other.close();
      await locker.end().catch(() => {});
    }
  });

  it('SIGINT (Ctrl-C) shuts down the same way, at once when nothing is in flight', async () => {
    const server = launch(main, { DATABASE_URL: databaseUrl, PORT: '0', JWT_SIGNING_KEY: KEY });
    await listening(server);
    const started = Date.now();
    process.kill(server.child.pid!, 'SIGINT');
    expect(await within(server.closed, 15000)).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(server.stdout()).toMatch(/Shut down in \d+\.\d s \(SIGINT\): 0 in-flight request\(s\) finished, 0 turned away with 503\n/);
  });
});
