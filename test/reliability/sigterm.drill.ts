// Drill: SIGTERM under load, as Kubernetes sends it. The instance stops accepting, lets what is
// in flight finish, answers anything arriving on open connections with DRF's 503 (Retry-After,
// Connection: close), closes the pool and its embedded PostgreSQL, says so, and exits 0. A
// request still running at SHUTDOWN_TIMEOUT is cut, named in the log, and the exit code is 1.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { sleep, within } from '../support/server-process.js';
import { DrillCluster, seedUsers } from './support/cluster.js';
import { embeddedUrl, Instance, login } from './support/instance.js';
import { Client, is503, summarize, underLoad, type Sample } from './support/load.js';
import { byOperation, MixedWorker } from './support/mixed.js';
import { report, seconds } from './support/report.js';

describe('drill: SIGTERM under load', () => {
  const started: Instance[] = [];
  let cluster: DrillCluster | undefined;
  afterAll(async () => {
    await Promise.all(started.map((instance) => instance.stop()));
    await cluster?.remove();
  });

  it('drains: in-flight requests finish, arrivals get 503 + Connection: close, PostgreSQL stops, exit 0', async () => {
    const app = await Instance.start({}); // no DATABASE_URL: its own embedded PostgreSQL
    started.push(app);
    const users = await seedUsers(embeddedUrl(app.dataDir), 16);
    const postmaster = Number(readFileSync(join(app.dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const workers = users.map((name) => new MixedWorker(name, [app.url]));
    let termAt = 0;
    let exitedAt = 0;
    let exit: Awaited<typeof app.server.closed> | null = null;
    const samples = await underLoad(
      16,
      (client, i) => workers[i].step(client),
      async () => {
        await sleep(3000);
        termAt = performance.now();
        app.signal('SIGTERM');
        exit = await within(app.server.closed, 20000);
        exitedAt = performance.now();
        await sleep(500);
      },
    );
    const after = samples.filter((s) => s.started + s.ms >= termAt);
    const lines = app.linesSince(0);
    const figures = {
      requests: summarize(samples).requests,
      'outcomes answered after SIGTERM': byOperation(after),
      '503s with DRF body, Retry-After and Connection: close': after.filter((s) => is503(s) && s.headers.connection === 'close').length,
      'connections reset': samples.filter((s) => s.outcome === 'ECONNRESET').length,
      'time to exit (s)': seconds(exitedAt - termAt),
      exit,
      'PostgreSQL still running': alive(postmaster),
      'shutdown line': lines.find((line) => /Shut down in/.test(line)) ?? null,
    };
    report('SIGTERM under load (embedded PostgreSQL)', figures);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(after.filter((s) => !(s.outcome === 200 || s.outcome === 'ECONNREFUSED' || (is503(s) && s.headers.connection === 'close')))).toEqual([]);
    expect(figures['connections reset']).toBe(0);
    expect(figures['PostgreSQL still running']).toBe(false);
    expect(existsSync(join(app.dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(figures['shutdown line']).toMatch(/Shut down in \d+(\.\d+)? s \(SIGTERM\)/);
  });

  it('past SHUTDOWN_TIMEOUT: names the request it cuts, answers it 503, exits 1', async () => {
    cluster = await DrillCluster.start();
    const [user] = await seedUsers(cluster.url, 1);
    const app = await Instance.start({ DATABASE_URL: cluster.url, SHUTDOWN_TIMEOUT: '2s', DATABASE_STATEMENT_TIMEOUT: '60s' });
    started.push(app);
    const { refresh } = await login(app.url, user);
    const locker = new pg.Client({ connectionString: cluster.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT id FROM token_session FOR UPDATE');
    const client = new Client([]);
    let stuck: Sample | undefined;
    let exit: Awaited<typeof app.server.closed> | null = null;
    let termAt = 0;
    let exitedAt = 0;
    try {
      const pending = client.post(app.url, '/api/token/refresh/', { refresh }, 'refresh');
      await sleep(500);
      termAt = performance.now();
      app.signal('SIGTERM');
      exit = await within(app.server.closed, 30000);
      exitedAt = performance.now();
      stuck = (await within(pending, 1000)) ?? undefined;
    } finally {
      await locker.query('COMMIT');
      await locker.end();
      client.close();
    }
    const lines = app.linesSince(0);
    const figures = {
      'time to exit (s)': exit === null ? 'still running after 30 s' : seconds(exitedAt - termAt),
      exit,
      'the stuck request got': stuck === undefined ? 'nothing' : { outcome: stuck.outcome, connection: stuck.headers.connection, body: stuck.body },
      'cut line': lines.find((line) => /Shutdown deadline/.test(line)) ?? null,
    };
    report('SIGTERM past SHUTDOWN_TIMEOUT (2 s) with a request stuck on a row lock', figures);

    expect(exit).toEqual({ code: 1, signal: null });
    expect(seconds(exitedAt - termAt)).toBeLessThan(5);
    expect(stuck !== undefined && is503(stuck) && stuck.headers.connection === 'close').toBe(true);
    expect(figures['cut line']).toMatch(/POST \/api\/token\/refresh\//);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
