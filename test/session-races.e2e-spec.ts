import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabases, freshDatabase, sql } from './support/database.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { createUser, decode, startApp } from './support/test-app.js';

/**
 * Races across three app processes on one PostgreSQL, as production runs them: whatever must
 * hold across instances is decided by the database, one statement on one session row.
 */
interface Answer {
  status: number;
  body: Record<string, string>;
}

async function post(server: ServerProcess, path: string, body: unknown): Promise<Answer> {
  const res = await fetch(server.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

async function me(server: ServerProcess, access: string): Promise<number> {
  const res = await fetch(server.url + '/api/me/', { headers: { Authorization: `Bearer ${access}` } });
  await res.arrayBuffer();
  return res.status;
}

const deadlocks = async (url: string) => Number((await sql(url, 'SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()'))[0].deadlocks);

describe('session races through three app processes', () => {
  const RUNS = 200;
  const BATCH = 20;
  let url: string;
  let strict: ServerProcess[];
  let lenient: ServerProcess[];

  beforeAll(async () => {
    url = await freshDatabase();
    const setup = await startApp({}, url);
    await createUser(setup, { username: 'racer', password: 'racer pass word' });
    await setup.close();
    // Replays count as reuse at once here (grace 0 s); the default grace elsewhere.
    strict = await Promise.all([1, 2, 3].map(() => startServerProcess(url, { JWT_REFRESH_TOKEN_REUSE_GRACE: '0s' })));
    lenient = await Promise.all([1, 2, 3].map(() => startServerProcess(url)));
  }, 120_000);
  afterAll(async () => {
    await Promise.all([...(strict ?? []), ...(lenient ?? [])].map((s) => s.stop()));
    await dropDatabases();
  });

  const login = (server: ServerProcess) => post(server, '/api/token/', { username: 'racer', password: 'racer pass word' });

  it(`an old token replayed while the chain rotates: no chain survives, in ${RUNS} runs (no 5xx, no deadlock)`, async () => {
    const deadlocksBefore = await deadlocks(url);
    const statuses = new Map<number, number>();
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    let rotationWon = 0;
    const survivors: string[] = [];

    for (let batch = 0; batch < RUNS / BATCH; batch++) {
      await Promise.all(
        Array.from({ length: BATCH }, async (_, i) => {
          const [a, b, c] = [strict[i % 3], strict[(i + 1) % 3], strict[(i + 2) % 3]];
          const pair = await login(a);
          count(pair.status);
          const first = await post(a, '/api/token/refresh/', { refresh: pair.body.refresh });
          count(first.status);
          // The thief replays the first token while the owner rotates the live one.
          const [replay, rotation] = await Promise.all([
            post(b, '/api/token/refresh/', { refresh: pair.body.refresh }),
            post(c, '/api/token/refresh/', { refresh: first.body.refresh }),
          ]);
          count(replay.status);
          count(rotation.status);
          expect(replay.status).toBe(401);
          if (rotation.status === 200) {
            rotationWon++;
            // Whatever the rotation handed out must be dead now.
            const next = await post(a, '/api/token/refresh/', { refresh: rotation.body.refresh });
            const access = await me(b, rotation.body.access);
            count(next.status);
            count(access);
            if (next.status !== 401 || access !== 401) survivors.push(decode(pair.body.refresh).payload.sid as string);
          } else {
            expect(rotation.body).toEqual({ detail: 'Token is blacklisted', code: 'token_not_valid' });
          }
        }),
      );
    }
    const ended = await sql(url, `SELECT count(*)::int AS n FROM token_session WHERE revoked_reason = 'reuse'`);
    expect(survivors).toEqual([]);
    expect(ended[0].n).toBe(RUNS);
    expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
    expect(await deadlocks(url)).toBe(deadlocksBefore);
    // Both orders happened: sometimes the rotation won the row first, sometimes the replay.
    console.log(`replay race: ${RUNS} runs, rotation first in ${rotationWon}, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  }, 300_000);

  it('50 concurrent refreshes of one token through three processes: one successor, which every caller gets', async () => {
    for (let round = 0; round < 5; round++) {
      const pair = await login(lenient[round % 3]);
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => post(lenient[i % 3], '/api/token/refresh/', { refresh: pair.body.refresh })));
      const successors = new Set(results.filter((r) => r.status === 200).map((r) => r.body.refresh));
      expect(successors.size).toBe(1);
      for (const r of results) expect(r.status === 200 || (r.status === 401 && r.body.detail === 'Token is blacklisted')).toBe(true);
      const [row] = await sql(url, 'SELECT live_jti, parent_jti FROM token_session WHERE id = $1', [decode(pair.body.refresh).payload.sid]);
      expect(row).toEqual({ live_jti: decode([...successors][0]).payload.jti, parent_jti: decode(pair.body.refresh).payload.jti });
      expect((await post(lenient[(round + 1) % 3], '/api/token/refresh/', { refresh: [...successors][0] })).status).toBe(200);
    }
  }, 120_000);

  it('logout through one process ends access through the others at once', async () => {
    const pair = await login(lenient[0]);
    expect(await me(lenient[1], pair.body.access)).toBe(200);
    expect((await post(lenient[2], '/api/token/blacklist/', { refresh: pair.body.refresh })).status).toBe(200);
    expect(await me(lenient[1], pair.body.access)).toBe(401);
    expect(await me(lenient[0], pair.body.access)).toBe(401);
  });
});
