// Drill: a pool of 2 connections under 64 concurrent client connections for 10 s. Requests
// queue for the pool (briefly) and every one is answered; PostgreSQL never sees more than 2.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sleep } from '../support/server-process.js';
import { DrillCluster, seedUsers } from './support/cluster.js';
import { Instance } from './support/instance.js';
import { failures, summarize, underLoad } from './support/load.js';
import { MixedWorker } from './support/mixed.js';
import { loadFigures, report } from './support/report.js';

describe('drill: a pool of 2 under 64 connections', () => {
  let cluster: DrillCluster;
  let app: Instance;
  let users: string[];

  beforeAll(async () => {
    cluster = await DrillCluster.start();
    users = await seedUsers(cluster.url, 64);
    app = await Instance.start({ DATABASE_URL: cluster.url, DATABASE_POOL_SIZE: '2' });
  });
  afterAll(async () => {
    await app?.stop();
    await cluster?.remove();
  });

  it('answers every request, holding at most 2 connections', async () => {
    const workers = users.map((name) => new MixedWorker(name, [app.url]));
    let peakConnections = 0;
    const samples = await underLoad(
      64,
      (client, i) => workers[i].step(client),
      async () => {
        const until = Date.now() + 10000;
        while (Date.now() < until) {
          const [{ n }] = await cluster.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = 'app' AND pid <> pg_backend_pid()",
          );
          peakConnections = Math.max(peakConnections, n);
          await sleep(200);
        }
      },
    );
    const figures = { ...loadFigures(samples), 'peak connections to PostgreSQL': peakConnections };
    report('pool of 2 under 64 connections', figures);

    expect(failures(samples)).toEqual({});
    expect(summarize(samples).outcomes).toEqual({ 200: figures.requests });
    expect(peakConnections).toBeLessThanOrEqual(2);
  });
});
