// Drill: three instances behind a (client-side, round-robin) balancer, one PostgreSQL, one Redis
// for throttle history, 30 s of mixed load from 24 clients (each its own address). No 5xx; 20
// concurrent refreshes of one token across the three yield exactly one successor, every round; and
// a client over the token rate is held to it across all three instances, not three times it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RedisServer } from '../support/redis-server.js';
import { sleep } from '../support/server-process.js';
import { DrillCluster, seedUsers } from './support/cluster.js';
import { Instance, login } from './support/instance.js';
import { Client, failures, summarize, underLoad } from './support/load.js';
import { MixedWorker } from './support/mixed.js';
import { loadFigures, report } from './support/report.js';

const CLIENTS = 24;
const TOKEN_RATE = 1000; // per minute and client address: the load stays under it, the flood below does not

describe('drill: three instances under 30 s of mixed load', () => {
  let cluster: DrillCluster;
  let redis: RedisServer;
  let instances: Instance[];
  let users: string[];

  beforeAll(async () => {
    [cluster, redis] = await Promise.all([DrillCluster.start(), RedisServer.start()]);
    users = await seedUsers(cluster.url, CLIENTS + 10);
    const env = {
      DATABASE_URL: cluster.url,
      THROTTLE_STORE: redis.url,
      THROTTLE_RATES: `anon=100000/minute,user=100000/minute,token=${TOKEN_RATE}/minute`,
      NUM_PROXIES: '1',
    };
    instances = await Promise.all([Instance.start(env), Instance.start(env), Instance.start(env)]);
  });
  afterAll(async () => {
    await Promise.all((instances ?? []).map((instance) => instance.stop()));
    await Promise.all([cluster?.remove(), redis?.remove()]);
  });

  it('answers no 5xx, forks no session, and holds one throttle limit across the three', async () => {
    const bases = instances.map((instance) => instance.url);
    const workers = users.slice(0, CLIENTS).map((name) => new MixedWorker(name, bases));
    const successors: number[] = [];
    const flood: Record<string, number> = {};
    const samples = await underLoad(
      CLIENTS,
      (client, i) => workers[i].step(client),
      async () => {
        const until = Date.now() + 30000;
        for (let round = 0; round < 10; round++) successors.push(await refreshRace(bases, users[CLIENTS + round], `10.1.0.${round + 1}`));
        Object.assign(flood, await overTheRate(bases, '10.2.0.1', TOKEN_RATE * 1.5));
        await sleep(Math.max(0, until - Date.now()));
      },
      (worker) => ({ 'X-Forwarded-For': `10.0.0.${worker + 1}` }),
    );
    const figures = {
      ...loadFigures(samples),
      'successors of 20 concurrent refreshes of one token, per round': successors,
      [`${TOKEN_RATE * 1.5} token requests from one address (limit ${TOKEN_RATE}/minute)`]: flood,
    };
    report('three instances, 30 s of mixed load, shared throttle store', figures);

    expect(failures(samples)).toEqual({});
    expect(Object.keys(summarize(samples).outcomes).filter((outcome) => Number(outcome) >= 500)).toEqual([]);
    expect(successors).toEqual(Array(10).fill(1));
    expect(flood).toEqual({ 401: TOKEN_RATE, 429: TOKEN_RATE / 2 });
  });
});

/**
 * One user's refresh token refreshed 20 times at once, spread over the instances: answers how
 * many successors they got between them (one rotates, the others get its pair as a retry).
 */
async function refreshRace(bases: readonly string[], username: string, address: string): Promise<number> {
  const { refresh } = await login(bases[0], username);
  const clients = Array.from({ length: 20 }, () => new Client([], { 'X-Forwarded-For': address }));
  try {
    const answers = await Promise.all(clients.map((client, i) => client.post(bases[i % bases.length], '/api/token/refresh/', { refresh })));
    if (answers.some((answer) => answer.outcome !== 200)) return -1;
    return new Set(answers.map((answer) => (answer.body as { refresh: string }).refresh)).size;
  } finally {
    clients.forEach((client) => client.close());
  }
}

/** `count` verifications (of a bad token: 401 when let through) from one address, round-robin over the instances. */
async function overTheRate(bases: readonly string[], address: string, count: number): Promise<Record<string, number>> {
  const clients = bases.map(() => new Client([], { 'X-Forwarded-For': address }));
  const outcomes: Record<string, number> = {};
  try {
    for (let sent = 0; sent < count; sent += bases.length * 10) {
      const batch = Array.from({ length: Math.min(bases.length * 10, count - sent) }, (_, i) =>
        clients[i % bases.length].post(bases[i % bases.length], '/api/token/verify/', { token: 'not-a-token' }),
      );
      for (const answer of await Promise.all(batch)) outcomes[answer.outcome] = (outcomes[answer.outcome] ?? 0) + 1;
    }
  } finally {
    clients.forEach((client) => client.close());
  }
  return outcomes;
}
