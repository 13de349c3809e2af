import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CapturingLogger } from './support/capturing-logger.js';
import { dropDatabases, freshDatabase, sql } from './support/database.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { createUser, startApp, type TestApp } from './support/test-app.js';

/**
 * The login lockout as operators run it: counted in PostgreSQL, so it holds across app processes
 * and restarts, decided by one statement per failure, timed by the database clock.
 * The attack cases themselves (exact answers) are in test/security/brute-force.e2e-spec.ts.
 */
const PASSWORD = 'correct horse';
const WRONG = 'wrong horse';

interface Answer {
  status: number;
  body: unknown;
  retryAfter: string | null;
}

/** POST /api/token/ from `address` (the servers here trust one proxy: NUM_PROXIES=1). */
async function attempt(server: { url: string }, username: string, password: string, address: string): Promise<Answer> {
  const res = await fetch(`${server.url}/api/token/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address },
    body: JSON.stringify({ username, password }),
  });
  return { status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after') };
}

const locked = (seconds: number) => ({ detail: `Too many failed login attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, code: 'login_locked' });
const BAD_CREDENTIALS = { detail: 'No active account found with the given credentials' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The row of a (username, address) pair, or of the address ('' username): recent failures and whether it is locked. */
async function row(url: string, username: string, address: string): Promise<{ failures: number; locked: boolean } | undefined> {
  const rows = await sql<{ failures: number; locked: boolean }>(
    url,
    `SELECT cardinality(failures) AS failures, coalesce(locked_until > now(), false) AS locked FROM login_failure WHERE username = $1 AND ip_address = $2`,
    [username, address],
  );
  return rows[0];
}

afterAll(async () => {
  await dropDatabases();
});

describe('login lockout across three app processes', () => {
  const ROUNDS = 3;
  const CONCURRENT = 30;
  let url: string;
  let servers: ServerProcess[];

  beforeAll(async () => {
    url = await freshDatabase();
    const setup = await startApp({}, url);
    for (let round = 0; round < ROUNDS; round++) await createUser(setup, { username: `victim${round}`, password: PASSWORD });
    await setup.close();
    servers = await Promise.all([1, 2, 3].map(() => startServerProcess(url, { NUM_PROXIES: '1' })));
  }, 120_000);
  afterAll(async () => {
    await Promise.all((servers ?? []).map((s) => s.stop()));
  });

  it(`${CONCURRENT} concurrent wrong passwords through 3 processes lock the pair after exactly 10 counted failures, ${ROUNDS} rounds`, async () => {
    const events = () => servers.flatMap((s) => s.output().split('\n').filter((line) => line.includes('"event":"login_locked"')));
    for (let round = 0; round < ROUNDS; round++) {
      const username = `victim${round}`;
      const address = `203.0.113.${round + 1}`;
      const answers = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => attempt(servers[i % 3], username, WRONG, address)));
      const counts = { 401: 0, 429: 0 } as Record<number, number>;
      for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
      // Nine failures are answered 401; the tenth locks the pair and is answered 429 with the whole cooloff; the rest meet the lock.
      expect(counts).toEqual({ 401: 9, 429: 21 });
      expect(answers.filter((a) => a.status === 401).every((a) => JSON.stringify(a.body) === JSON.stringify(BAD_CREDENTIALS))).toBe(true);
      const refusals = answers.filter((a) => a.status === 429);
      expect(refusals.some((a) => a.retryAfter === '900' && JSON.stringify(a.body) === JSON.stringify(locked(900)))).toBe(true);
      for (const a of refusals) expect(a.body).toEqual(locked(Number(a.retryAfter)));
      expect(await row(url, username, address)).toEqual({ failures: 0, locked: true });
      // The address counted every password it had checked (those refused before checking count nowhere).
      const checked = (await row(url, '', address))!.failures;
      expect(checked).toBeGreaterThanOrEqual(10);
      expect(checked).toBeLessThanOrEqual(CONCURRENT);
      process.stdout.write(`lockout round ${round + 1}: 9 x 401, 21 x 429; ${checked} of ${CONCURRENT} passwords checked\n`);
      // One lockout, one event, whichever process counted the tenth failure.
      expect(events()).toHaveLength(round + 1);

      // Locked on every process, right password included; the owner elsewhere logs in.
      for (const server of servers) expect((await attempt(server, username, PASSWORD, address)).status).toBe(429);
      expect((await attempt(servers[round % 3], username, PASSWORD, '198.51.100.7')).status).toBe(200);
    }
    const line = events().find((l) => l.includes('"username":"victim0"'))!;
    const event = JSON.parse(/\{"event":[^}]*\}/.exec(line)![0]);
    expect(event).toEqual({ event: 'login_locked', reason: 'username_and_address', username: 'victim0', ip: '203.0.113.1', request_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(line).toMatch(/\bWARN\b/);
    expect(servers.map((s) => s.output()).join('')).not.toContain(WRONG);
  }, 120_000);
});

describe('login lockout state', () => {
  let url: string;
  let t: TestApp;

  beforeAll(async () => {
    url = await freshDatabase();
    t = await startApp({ NUM_PROXIES: '1', LOGIN_FAILURE_LIMIT: '3', LOGIN_COOLOFF: '3s', LOGIN_FAILURE_WINDOW: '3s' }, url);
    await createUser(t, { username: 'alice', password: PASSWORD });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('holds across a restart: the lock is in PostgreSQL, not in the process', async () => {
    for (let i = 0; i < 2; i++) expect((await attempt(t, 'alice', WRONG, '192.0.2.10')).status).toBe(401);
    expect((await attempt(t, 'alice', WRONG, '192.0.2.10')).status).toBe(429);
    await t.close();
    t = await startApp({ NUM_PROXIES: '1', LOGIN_FAILURE_LIMIT: '3', LOGIN_COOLOFF: '3s', LOGIN_FAILURE_WINDOW: '3s' }, url);
    const again = await attempt(t, 'alice', PASSWORD, '192.0.2.10');
    expect(again.status).toBe(429);
    expect(['1', '2', '3']).toContain(again.retryAfter);
    expect(again.body).toEqual(locked(Number(again.retryAfter)));
  });

  it('after the cooloff the right password logs in (the lock never stopped it being checked later), and the count starts afresh', async () => {
    await sleep(3200);
    expect((await attempt(t, 'alice', PASSWORD, '192.0.2.10')).status).toBe(200);
    expect(await row(url, 'alice', '192.0.2.10')).toBeUndefined();
    for (let i = 0; i < 2; i++) expect((await attempt(t, 'alice', WRONG, '192.0.2.10')).status).toBe(401);
    expect((await attempt(t, 'alice', WRONG, '192.0.2.10')).status).toBe(429);
  });

  it('counts within a sliding window: failures older than LOGIN_FAILURE_WINDOW no longer count', async () => {
    for (let i = 0; i < 2; i++) expect((await attempt(t, 'alice', WRONG, '192.0.2.20')).status).toBe(401);
    await sleep(3200);
    // The two earlier failures have left the window: two more are not yet three within it.
    for (let i = 0; i < 2; i++) expect((await attempt(t, 'alice', WRONG, '192.0.2.20')).status).toBe(401);
    expect(await row(url, 'alice', '192.0.2.20')).toEqual({ failures: 2, locked: false });
    expect((await attempt(t, 'alice', WRONG, '192.0.2.20')).status).toBe(429);
  });
});

describe('login lockout events', () => {
  const logger = new CapturingLogger();
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ NUM_PROXIES: '1', LOGIN_FAILURE_LIMIT: '2', LOGIN_FAILURE_LIMIT_PER_ADDRESS: '3' }, undefined, logger);
    await createUser(t, { username: 'alice', password: PASSWORD });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('records one login_locked security event (a warning) per lockout, naming the username, the address and which limit; never the password', async () => {
    await attempt(t, 'alice', WRONG, '192.0.2.30');
    await attempt(t, 'alice', WRONG, '192.0.2.30'); // the pair locks
    await attempt(t, 'alice', WRONG, '192.0.2.30'); // refused before any check: no second event
    await attempt(t, 'mallory', WRONG, '192.0.2.30'); // the third failure from the address locks it
    const locks = logger.events().filter((e) => e.event === 'login_locked');
    expect(locks).toEqual([
      { event: 'login_locked', reason: 'username_and_address', username: 'alice', ip: '192.0.2.30', request_id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      { event: 'login_locked', reason: 'address', username: 'mallory', ip: '192.0.2.30', request_id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    ]);
    expect(logger.lines.filter((line) => line.includes('"login_locked"')).every((line) => line.startsWith('warn '))).toBe(true);
    expect(logger.lines.join('\n')).not.toContain(WRONG);
    // Refused logins that were checked are login_failed events as before; the refusal before any check is none.
    expect(logger.events().filter((e) => e.event === 'login_failed')).toHaveLength(3);
  });
});
