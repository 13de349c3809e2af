// Drill: the network to PostgreSQL goes silent for 10 s (a TCP proxy between app and database
// stops forwarding: no answers, no resets, new connections left hanging), then heals. Requests
// get DRF's 503 within DATABASE_POOL_TIMEOUT + DATABASE_STATEMENT_TIMEOUT + 1 s, never a hang.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sleep } from '../support/server-process.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { BOUND_MS } from './support/bounds.js';
import { DrillCluster, seedUsers } from './support/cluster.js';
import { Instance } from './support/instance.js';
import { failures, summarize, underLoad } from './support/load.js';
import { MixedWorker } from './support/mixed.js';
import { faultFigures, overlapping, report } from './support/report.js';

describe('drill: the network to the database is cut under load', () => {
  let cluster: DrillCluster;
  let proxy: TcpProxy;
  let app: Instance;
  let users: string[];

  beforeAll(async () => {
    cluster = await DrillCluster.start();
    users = await seedUsers(cluster.url, 8);
    proxy = await TcpProxy.start(cluster.port);
    app = await Instance.start({ DATABASE_URL: proxy.route(cluster.url) });
  });
  afterAll(async () => {
    await app?.stop();
    await proxy?.close();
    await cluster?.remove();
  });

  it('answers 503 with Retry-After within the bound while it is cut, and serves again once it heals', async () => {
    const workers = users.map((name) => new MixedWorker(name, [app.url]));
    const logFrom = app.log().length;
    let cutAt = 0;
    let healedAt = 0;
    const samples = await underLoad(
      8,
      (client, i) => workers[i].step(client),
      async () => {
        await sleep(2000);
        proxy.cut();
        cutAt = performance.now();
        await sleep(10000);
        proxy.restore();
        healedAt = performance.now();
        await sleep(4000);
      },
    );
    const lines = app.linesSince(logFrom);
    const figures = faultFigures(samples, cutAt, healedAt, lines);
    report('network to the database cut (TCP proxy stops forwarding)', figures);

    expect(failures(samples)).toEqual({});
    expect(summarize(samples).maxMs).toBeLessThan(BOUND_MS);
    expect(overlapping(samples, cutAt, healedAt).filter((s) => s.op !== 'health' && s.outcome !== 503 && s.outcome !== 200)).toEqual([]);
    expect(figures['DRF 503s with Retry-After']).toBeGreaterThan(0);
    expect(figures['database reads answering again after (s)']).not.toBeNull();
    expect(figures['database reads answering again after (s)']!).toBeLessThan(BOUND_MS / 1000);
    expect(figures['stack trace lines']).toBe(0);
  });
});
