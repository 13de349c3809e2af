// Drill: another session holds the refresh tokens' rows locked for 12 s (a stuck migration, a
// long report, an operator's open transaction). Refreshes give up after DATABASE_STATEMENT_TIMEOUT
// with DRF's 503 and work again once the lock goes; reads that need no lock keep answering 200.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { sleep } from '../support/server-process.js';
import { STATEMENT_TIMEOUT_MS } from './support/bounds.js';
import { DrillCluster, seedUsers } from './support/cluster.js';
import { Instance, recoverySeconds } from './support/instance.js';
import { failures, summarize, underLoad } from './support/load.js';
import { byOperation, MixedWorker } from './support/mixed.js';
import { report } from './support/report.js';

describe('drill: a row lock held for 12 s', () => {
  let cluster: DrillCluster;
  let app: Instance;
  let users: string[];

  beforeAll(async () => {
    cluster = await DrillCluster.start();
    users = await seedUsers(cluster.url, 8);
    app = await Instance.start({ DATABASE_URL: cluster.url });
  });
  afterAll(async () => {
    await app?.stop();
    await cluster?.remove();
  });

  it('refreshes answer 503 after the statement timeout, not after the lock; reads keep answering', async () => {
    const workers = users.map((name) => new MixedWorker(name, [app.url]));
    const locker = new pg.Client({ connectionString: cluster.url });
    await locker.connect();
    let lockedAt = 0;
    let releasedAt = 0;
    const samples = await underLoad(
      8,
      (client, i) => workers[i].step(client),
      async () => {
        await sleep(2000);
        await locker.query('BEGIN');
        await locker.query('SELECT id FROM token_session FOR UPDATE');
        lockedAt = performance.now();
        await sleep(12000);
        await locker.query('COMMIT');
        releasedAt = performance.now();
        await locker.end();
        await sleep(3000);
      },
    );
    const locked = samples.filter((s) => s.started >= lockedAt && s.started < releasedAt);
    const refreshes = locked.filter((s) => s.op === 'refresh');
    const figures = {
      requests: summarize(samples).requests,
      'outcomes of requests made under the lock': byOperation(locked),
      'max refresh latency under the lock (ms)': summarize(refreshes).maxMs,
      'max latency of other requests under the lock (ms)': summarize(locked.filter((s) => s.op !== 'refresh')).maxMs,
      'refreshes working again after the lock goes (s)': recoverySeconds(samples.filter((s) => s.op === 'refresh'), releasedAt),
    };
    report('row lock held for 12 s', figures);

    expect(failures(samples)).toEqual({});
    // A token whose row was written after the lock was taken is not locked: its refresh is a 200.
    const { outcomes, drf503 } = summarize(refreshes);
    expect(drf503).toBeGreaterThan(0);
    expect(drf503 + (outcomes[200] ?? 0)).toBe(refreshes.length);
    expect(figures['max refresh latency under the lock (ms)']).toBeLessThan(STATEMENT_TIMEOUT_MS + 1000);
    expect(summarize(locked.filter((s) => s.op === 'me')).outcomes).toEqual({ 200: locked.filter((s) => s.op === 'me').length });
    expect(figures['refreshes working again after the lock goes (s)']).not.toBeNull();
  });
});
