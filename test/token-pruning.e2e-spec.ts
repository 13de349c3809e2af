// FLUSH_EXPIRED_TOKENS_INTERVAL: the server runs flushexpiredtokens itself, at start and then on
// that interval, one instance at a time (a transaction-level advisory lock). Three `node
// dist/main.js` processes on one database, as production runs them.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { FLUSH_LOCK_KEY } from '../src/maintenance/token-pruner.js';
import { dropDatabases, sql } from './support/database.js';
import { sleep, startServerProcess, type ServerProcess } from './support/server-process.js';
import { databaseWithUsers } from './support/test-app.js';

/** Expired tokens (every other one blacklisted), dead sessions and stale failed logins, `n` of each, named by `tag`. */
async function seedExpired(url: string, tag: string, n: number): Promise<void> {
  await sql(
    url,
    `INSERT INTO token_blacklist_outstandingtoken (jti, user_id, created_at, expires_at)
     SELECT $1 || '-expired-' || g, '1', now() - interval '2 days', now() - interval '1 day' FROM generate_series(1, $2::int) g`,
    [tag, n],
  );
  await sql(
    url,
    `INSERT INTO token_blacklist_blacklistedtoken (token_id)
     SELECT id FROM token_blacklist_outstandingtoken WHERE jti ~ ('^' || $1 || '-expired-[0-9]*[02468]$')`,
    [tag],
  );
  await seedDeadSessions(url, tag, n);
  await sql(
    url,
    `INSERT INTO login_failure (username, ip_address, failures, last_failure_at)
     SELECT $1 || '-stale-' || g, '203.0.113.50', ARRAY[now() - interval '20 minutes'], now() - interval '20 minutes' FROM generate_series(1, $2::int) g`,
    [tag, n],
  );
}

/** Half past their absolute end, half whose last refresh token expired. */
function seedDeadSessions(url: string | pg.Client, tag: string, n: number) {
  const text = `INSERT INTO token_session (id, user_id, expires_at, live_jti, live_iat, live_exp)
     SELECT $1 || '-dead-' || g, '1',
            CASE WHEN g % 2 = 0 THEN now() - interval '1 minute' ELSE now() + interval '1 day' END,
            $1 || '-dead-' || g, 0,
            floor(extract(epoch FROM now() + CASE WHEN g % 2 = 0 THEN interval '1 day' ELSE interval '-1 minute' END))
     FROM generate_series(1, $2::int) g`;
  return typeof url === 'string' ? sql(url, text, [tag, n]) : url.query(text, [tag, n]);
}

/** What must survive every round: a live token (blacklisted), a live session, a recent failed login. */
async function seedLive(url: string): Promise<void> {
  const [{ id }] = await sql<{ id: string }>(
    url,
    `INSERT INTO token_blacklist_outstandingtoken (jti, user_id, created_at, expires_at) VALUES ('live-jti', '1', now(), now() + interval '1 day') RETURNING id`,
  );
  await sql(url, 'INSERT INTO token_blacklist_blacklistedtoken (token_id) VALUES ($1)', [id]);
  await sql(
    url,
    `INSERT INTO token_session (id, user_id, expires_at, live_jti, live_iat, live_exp)
     VALUES ('live-session', '1', now() + interval '1 day', 'live-session', 0, floor(extract(epoch FROM now() + interval '1 hour')))`,
  );
  await sql(url, `INSERT INTO login_failure (username, ip_address, failures, last_failure_at) VALUES ('recent', '203.0.113.50', ARRAY[now()], now())`);
}

interface Left {
  tokens: number;
  blacklisted: number;
  sessions: number;
  failures: number;
}

async function left(url: string, tag: string): Promise<Left> {
  const [row] = await sql<Record<keyof Left, string>>(
    url,
    `SELECT (SELECT count(*) FROM token_blacklist_outstandingtoken WHERE jti LIKE $1 || '-%') AS tokens,
            (SELECT count(*) FROM token_blacklist_blacklistedtoken b JOIN token_blacklist_outstandingtoken o ON o.id = b.token_id WHERE o.jti LIKE $1 || '-%') AS blacklisted,
            (SELECT count(*) FROM token_session WHERE id LIKE $1 || '-%') AS sessions,
            (SELECT count(*) FROM login_failure WHERE username LIKE $1 || '-%') AS failures`,
    [tag],
  );
  return { tokens: Number(row.tokens), blacklisted: Number(row.blacklisted), sessions: Number(row.sessions), failures: Number(row.failures) };
}

const NONE: Left = { tokens: 0, blacklisted: 0, sessions: 0, failures: 0 };

async function liveRowsKept(url: string): Promise<void> {
  expect(await left(url, 'live')).toEqual({ tokens: 1, blacklisted: 1, sessions: 1, failures: 0 });
  expect(await sql(url, `SELECT username FROM login_failure WHERE username = 'recent'`)).toEqual([{ username: 'recent' }]);
}

const FLUSHED = /\[TokenPruner\] Flushed expired tokens in (\d+) ms: deleted (\d+) expired tokens?, (\d+) expired sessions? and (\d+) failed-login records?/g;
const SKIPPED = /\[TokenPruner\] Flushing expired tokens: skipped, another instance is flushing them/g;

/** Every round an instance logged: what each flush deleted, and how many rounds it skipped. */
function rounds(server: ServerProcess) {
  const output = server.output();
  const flushed = [...output.matchAll(FLUSHED)].map((m) => ({ ms: Number(m[1]), tokens: Number(m[2]), sessions: Number(m[3]), failures: Number(m[4]) }));
  return { flushed, skipped: [...output.matchAll(SKIPPED)].length };
}

function deletedBy(servers: ServerProcess[]) {
  const total = { tokens: 0, sessions: 0, failures: 0 };
  for (const server of servers) {
    for (const round of rounds(server).flushed) {
      total.tokens += round.tokens;
      total.sessions += round.sessions;
      total.failures += round.failures;
    }
  }
  return total;
}

async function until(what: string, condition: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(100);
  }
  throw new Error(`${what}: not seen within ${ms} ms`);
}

afterAll(() => dropDatabases());

describe('FLUSH_EXPIRED_TOKENS_INTERVAL=1s on three instances', () => {
  let url: string;
  let servers: ServerProcess[] = [];
  const holder = { client: null as pg.Client | null };

  beforeAll(async () => {
    url = await databaseWithUsers({ username: 'alice' });
    await seedLive(url);
    await seedExpired(url, 'first', 30);
    // Held by the spec from before the instances start: every round they try must skip.
    holder.client = new pg.Client({ connectionString: url });
    await holder.client.connect();
    await holder.client.query('SELECT pg_advisory_lock($1)', [FLUSH_LOCK_KEY.toString()]);
    servers = await Promise.all([1, 2, 3].map(() => startServerProcess(url, { FLUSH_EXPIRED_TOKENS_INTERVAL: '1s' })));
  }, 120_000);
  afterAll(async () => {
    await holder.client?.end().catch(() => {});
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('a round that does not get the lock skips: while another session holds it, nothing is deleted', async () => {
    await until('two skipped rounds on each instance', () => servers.every((s) => rounds(s).skipped >= 2));
    expect(servers.map((s) => rounds(s).flushed)).toEqual([[], [], []]);
    expect(await left(url, 'first')).toEqual({ tokens: 30, blacklisted: 15, sessions: 30, failures: 30 });

    await holder.client!.query('SELECT pg_advisory_unlock($1)', [FLUSH_LOCK_KEY.toString()]);
    await until('the first batch deleted', async () => (await left(url, 'first')).sessions === 0);
    await sleep(1500); // the round that deleted it has logged by now
    expect(await left(url, 'first')).toEqual(NONE);
    // Each row deleted in one round and counted once, across the three.
    expect(deletedBy(servers)).toEqual({ tokens: 30, sessions: 30, failures: 30 });
    await liveRowsKept(url);
  }, 60_000);

  it('while one round runs (held up by a table lock), the others skip; it deletes in one transaction, counted once', async () => {
    const before = servers.map((s) => rounds(s));
    const blocker = holder.client!;
    await seedExpired(url, 'second', 20);
    // Not yet visible to any round: the 20 dead sessions come with the lock that will hold the
    // next round up on token_session, after it has deleted the tokens (inside its transaction).
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE token_session IN SHARE MODE');
    await seedDeadSessions(blocker, 'third', 10);
    // Expired tokens committed now: the next round deletes them, then waits on token_session.
    await until('a round held up on token_session', async () => {
      const waiting = await sql(url, `SELECT 1 FROM pg_stat_activity WHERE application_name = 'nest-simplejwt flushexpiredtokens' AND wait_event_type = 'Lock'`);
      return waiting.length === 1;
    });
    const heldSince = servers.map((s) => rounds(s));
    await sleep(2500);
    const during = servers.map((s, i) => ({ flushed: rounds(s).flushed.length - heldSince[i].flushed.length, skipped: rounds(s).skipped - heldSince[i].skipped }));
    // Its tokens' deletion is not committed while it waits: all 20 are still there for everyone else.
    expect((await left(url, 'second')).tokens).toBe(20);
    await blocker.query('COMMIT');

    // No round finished during the hold, and the two other instances skipped theirs.
    expect(during.map((d) => d.flushed)).toEqual([0, 0, 0]);
    expect(during.filter((d) => d.skipped >= 2)).toHaveLength(2);
    expect(during.filter((d) => d.skipped === 0)).toHaveLength(1);

    await until('the second and third batches deleted', async () => {
      const [second, third] = [await left(url, 'second'), await left(url, 'third')];
      return second.tokens + second.sessions + second.failures + third.sessions === 0;
    });
    await sleep(1500);
    const deleted = { tokens: 0, sessions: 0, failures: 0 };
    servers.forEach((s, i) => {
      for (const round of rounds(s).flushed.slice(before[i].flushed.length)) {
        deleted.tokens += round.tokens;
        deleted.sessions += round.sessions;
        deleted.failures += round.failures;
      }
    });
    expect(deleted).toEqual({ tokens: 20, sessions: 30, failures: 20 });
    // The held-up round said how long it took.
    const slowest = Math.max(...servers.flatMap((s) => rounds(s).flushed.map((r) => r.ms)));
    expect(slowest).toBeGreaterThanOrEqual(2500);
    await liveRowsKept(url);
  }, 60_000);
});

describe('the lock key', () => {
  it('is the one the README gives operators', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`pg_try_advisory_xact_lock(${FLUSH_LOCK_KEY})`);
  });
});

describe('FLUSH_EXPIRED_TOKENS_INTERVAL unset (the default)', () => {
  it('deletes nothing and logs no round', async () => {
    const url = await databaseWithUsers({ username: 'alice' });
    await seedLive(url);
    await seedExpired(url, 'kept', 5);
    const server = await startServerProcess(url);
    try {
      await sleep(3000);
      expect(await left(url, 'kept')).toEqual({ tokens: 5, blacklisted: 2, sessions: 5, failures: 5 });
      expect(server.output()).not.toContain('TokenPruner');
    } finally {
      await server.stop();
    }
  }, 60_000);
});
