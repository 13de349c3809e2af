// Drill: PostgreSQL stops under load, stays down for 6 s, then comes back on the same port.
// Database-mode requests get DRF's 503 with Retry-After at once (nothing waits for a database
// that refuses connections); stateless reads keep answering 200; the log says it once each way.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sleep } from '../support/server-process.js';
import { DrillCluster, seedUsers } from './support/cluster.js';
import { Instance, login } from './support/instance.js';
import { failures, summarize, underLoad } from './support/load.js';
import { MixedWorker } from './support/mixed.js';
import { faultFigures, report } from './support/report.js';
import { BOUND_MS } from './support/bounds.js';

describe('drill: the database stops under load', () => {
  let cluster: DrillCluster;
  let app: Instance;
  let stateless: Instance;
  let users: string[];

  beforeAll(async () => {
    cluster = await DrillCluster.start();
    users = await seedUsers(cluster.url, 8);
    app = await Instance.start({ DATABASE_URL: cluster.url });
    stateless = await Instance.start({ DATABASE_URL: cluster.url, JWT_AUTHENTICATION_CLASS: 'JWTStatelessUserAuthentication' });
  });
  afterAll(async () => {
    await Promise.all([app?.stop(), stateless?.stop()]);
    await cluster?.remove();
  });

  it('answers 503 with Retry-After while it is down, 200 for stateless reads, and serves again at once', async () => {
    const workers = users.slice(0, 6).map((name) => new MixedWorker(name, [app.url]));
    const { access } = await login(stateless.url, users[7]);
    const logFrom = app.log().length;
    let downAt = 0;
    let resumingAt = 0;
    let upAt = 0;
    const samples = await underLoad(
      8,
      (client, i) =>
        i < 6 ? workers[i].step(client) : client.get(stateless.url, '/api/me/', 'stateless me', { Authorization: `Bearer ${access}` }),
      async () => {
        await sleep(2000);
        await cluster.halt();
        downAt = performance.now();
        await sleep(6000);
        resumingAt = performance.now();
        await cluster.resume();
        upAt = performance.now();
        await sleep(3000);
      },
    );
    const lines = app.linesSince(logFrom);
    const figures = faultFigures(samples, downAt, upAt, lines);
    report('database stopped', figures);

    expect(failures(samples)).toEqual({});
    // Made while nothing listened: from the halt until PostgreSQL was being started again.
    const inside = samples.filter((s) => s.started >= downAt && s.started + s.ms <= resumingAt);
    const databaseMode = inside.filter((s) => s.op === 'me' || s.op === 'refresh' || s.op === 'login');
    expect(databaseMode.length).toBeGreaterThan(0);
    expect(summarize(databaseMode).drf503).toBe(databaseMode.length);
    expect(inside.filter((s) => s.op === 'stateless me' && s.outcome !== 200)).toEqual([]);
    expect(figures['max latency during the fault (ms)']).toBeLessThan(BOUND_MS);
    expect(figures['database reads answering again after (s)']).not.toBeNull();
    expect(figures['database reads answering again after (s)']!).toBeLessThan(2);
    expect(lines.filter((line) => /WARN/.test(line) && /database is unavailable/i.test(line))).toHaveLength(1);
    expect(lines.filter((line) => /WARN/.test(line) && /database is available again after \d+(\.\d+)? s/i.test(line))).toHaveLength(1);
    expect(figures['stack trace lines']).toBe(0);
  });
});
