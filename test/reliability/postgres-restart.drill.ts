// Drill: PostgreSQL restarts (fast shutdown, start again on the same port) under load on two
// instances. Clients see DRF's 503 while it is away and 200 again as soon as it is back; each
// instance logs the outage once each way instead of a stack trace per failed request.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sleep } from '../support/server-process.js';
import { DrillCluster, seedUsers } from './support/cluster.js';
import { Instance } from './support/instance.js';
import { failures, underLoad } from './support/load.js';
import { MixedWorker } from './support/mixed.js';
import { faultFigures, report, seconds, withoutRequestLines } from './support/report.js';

describe('drill: PostgreSQL restarted under load', () => {
  let cluster: DrillCluster;
  let instances: Instance[];
  let users: string[];

  beforeAll(async () => {
    cluster = await DrillCluster.start();
    users = await seedUsers(cluster.url, 16);
    instances = await Promise.all([Instance.start({ DATABASE_URL: cluster.url }), Instance.start({ DATABASE_URL: cluster.url })]);
  });
  afterAll(async () => {
    await Promise.all((instances ?? []).map((instance) => instance.stop()));
    await cluster?.remove();
  });

  it('answers only 200 and DRF 503s, recovers at once, and logs the outage once each way', async () => {
    const workers = users.map((name) => new MixedWorker(name, instances.map((instance) => instance.url)));
    const logFrom = instances.map((instance) => instance.log().length);
    let stoppingAt = 0;
    let upAt = 0;
    const samples = await underLoad(
      16,
      (client, i) => workers[i].step(client),
      async () => {
        await sleep(3000);
        stoppingAt = performance.now();
        await cluster.halt();
        await cluster.resume();
        upAt = performance.now();
        await sleep(5000);
      },
    );
    const unavailable = samples.filter((s) => s.outcome !== 200 && s.op !== 'health');
    const lines = instances.map((instance, i) => instance.linesSince(logFrom[i]));
    const figures = {
      ...faultFigures(samples, stoppingAt, upAt, lines.flat()),
      'errors answered for (s)': unavailable.length === 0 ? 0 : seconds(Math.max(...unavailable.map((s) => s.started + s.ms)) - Math.min(...unavailable.map((s) => s.started))),
      'log lines per instance (access and auth event lines aside)': lines.map((l) => withoutRequestLines(l).length),
    };
    report('PostgreSQL restarted under load (2 instances)', figures);

    expect(failures(samples)).toEqual({});
    expect(figures['database reads answering again after (s)']).not.toBeNull();
    expect(figures['database reads answering again after (s)']!).toBeLessThan(2);
    expect(figures['stack trace lines']).toBe(0);
    for (const instanceLines of lines) {
      expect(instanceLines.filter((line) => /database is unavailable/i.test(line)).length).toBeLessThanOrEqual(1);
      expect(instanceLines.filter((line) => /database is available again/i.test(line)).length).toBeLessThanOrEqual(1);
    }
  });
});
