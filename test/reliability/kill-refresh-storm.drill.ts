// Drill: 40 clients refresh as fast as they can through two instances; one instance is killed
// with SIGKILL mid-storm. Afterwards the token tables hold (invariants.ts) and every client's
// last refresh token is either usable once (a second use gets no new successor) or refused
// with 401: nothing half-written, nothing forked.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sleep } from '../support/server-process.js';
import { DrillCluster, seedUsers } from './support/cluster.js';
import { Instance, login } from './support/instance.js';
import { checkInvariants } from './support/invariants.js';
import { Client, underLoad } from './support/load.js';
import { loadFigures, report } from './support/report.js';

const CLIENTS = 40;

describe('drill: kill -9 in a refresh storm', () => {
  let cluster: DrillCluster;
  let doomed: Instance;
  let survivor: Instance;
  let users: string[];

  beforeAll(async () => {
    cluster = await DrillCluster.start();
    users = await seedUsers(cluster.url, CLIENTS);
    [doomed, survivor] = await Promise.all([Instance.start({ DATABASE_URL: cluster.url }), Instance.start({ DATABASE_URL: cluster.url })]);
  });
  afterAll(async () => {
    await Promise.all([doomed?.stop(), survivor?.stop()]);
    await cluster?.remove();
  });

  it('leaves no orphan rows and no forked session; every last token works once or is refused', async () => {
    const last = await Promise.all(users.map(async (name) => (await login(survivor.url, name)).refresh));
    let turn = 0;
    const samples = await underLoad(
      CLIENTS,
      async (client, i) => {
        const base = turn++ % 2 === 0 ? doomed.url : survivor.url;
        const res = await client.post(base, '/api/token/refresh/', { refresh: last[i] }, base === doomed.url ? 'refresh (killed instance)' : 'refresh');
        if (res.outcome === 200) last[i] = (res.body as { refresh: string }).refresh;
        else if (typeof res.outcome === 'string') await sleep(20); // the killed instance: its port refuses now
      },
      async () => {
        await sleep(3000);
        doomed.signal('SIGKILL');
        await sleep(2000);
      },
    );
    const invariants = await checkInvariants((text) => cluster.query(text));
    const fates = await Promise.all(last.map((token) => fateOf(survivor, token)));
    const tally = (fate: string) => fates.filter((f) => f === fate).length;
    const figures = {
      ...loadFigures(samples),
      'invariant violations': invariants,
      "clients' last tokens": { 'usable once': tally('usable once'), 'refused 401': tally('refused 401'), other: fates.length - tally('usable once') - tally('refused 401') },
    };
    report('kill -9 in a refresh storm', figures);

    expect(Object.values(invariants).every((n) => n === 0)).toBe(true);
    expect(fates.filter((fate) => fate !== 'usable once' && fate !== 'refused 401')).toEqual([]);
    expect(samples.filter((s) => s.op === 'refresh' && typeof s.outcome === 'number' && s.outcome >= 500)).toEqual([]);
  });
});

/**
 * A client's last refresh token, used twice: the first use rotates it (200) or is refused (401);
 * the second brings no new successor: it is refused, or (a retry within the grace window) it
 * gets the same pair again.
 */
async function fateOf(instance: Instance, token: string): Promise<string> {
  const client = new Client([]);
  try {
    const first = await client.post(instance.url, '/api/token/refresh/', { refresh: token });
    if (first.outcome === 401) return 'refused 401';
    if (first.outcome !== 200) return `first refresh ${first.outcome}`;
    const again = await client.post(instance.url, '/api/token/refresh/', { refresh: token });
    if (again.outcome === 401) return 'usable once';
    const successor = (sample: typeof first) => jtiOf((sample.body as { refresh: string }).refresh);
    if (again.outcome === 200 && successor(again) === successor(first)) return 'usable once';
    return `second refresh ${again.outcome}, another successor`;
  } finally {
    client.close();
  }
}

const jtiOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { jti: string }).jti;
