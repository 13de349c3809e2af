// The module's own pool (opened from a `database` URL) honours databaseStatementTimeout and
// databasePoolTimeout: a stuck statement or a silent network is DRF's 503 within them, on
// either adapter, and the app serves again as soon as the database does.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { admin, dropDatabases, emptyDatabase } from '../../../test/support/database.js';
import { TcpProxy } from '../../../test/support/tcp-proxy.js';
import { AccountStore } from './support/account-store.js';
import { ADAPTERS, SIGNING_KEY, startAdopter, type AdopterApp } from './support/adapters.js';
import { BoundedClient, databasePoolOptions, databaseTimeouts, SettingsError } from '../src/index.js';

const UNAVAILABLE = { detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' };
const APPLICATION = 'simplejwt-module-spec';

afterAll(() => dropDatabases());

describe.each(ADAPTERS)('the module\'s own pool on %s', (adapter) => {
  let t: AdopterApp;
  let store: AccountStore;
  let proxy: TcpProxy;
  let url: string;

  beforeAll(async () => {
    url = await emptyDatabase();
    store = await AccountStore.create(url); // the adopter's own pool, straight to the database
    await store.add('alice@example.com', 'correct horse');
    proxy = await TcpProxy.start(Number(new URL(url).port));
    const moduleUrl = new URL(proxy.route(url));
    moduleUrl.searchParams.set('application_name', APPLICATION);
    t = await startAdopter(adapter, {
      SIGNING_KEY,
      userStore: store,
      database: moduleUrl.toString(),
      runMigrations: true,
      DEFAULT_THROTTLE_RATES: {},
      databaseStatementTimeout: '1s',
      databasePoolTimeout: '1s',
    });
  });
  afterAll(async () => {
    proxy?.restore();
    await t?.close();
    await store?.close();
    await proxy?.close();
  });

  const login = () => t.http().post('/api/token/').send({ username: 'alice@example.com', password: 'correct horse' });
  async function timed(req: PromiseLike<{ status: number; body: unknown; headers: Record<string, string> }>) {
    const started = Date.now();
    const res = await req;
    return { status: res.status, body: res.body, retryAfter: res.headers['retry-after'], ms: Date.now() - started };
  }

  it('databaseStatementTimeout: a refresh stuck behind a row lock is a 503 after about a second, and the token still works after', async () => {
    const { refresh } = (await login()).body;
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    let res;
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT id FROM token_session FOR UPDATE');
      res = await timed(t.http().post('/api/token/refresh/').send({ refresh }));
    } finally {
      await locker.query('COMMIT');
      await locker.end();
    }
    expect({ status: res.status, body: res.body, retryAfter: res.retryAfter }).toEqual({ status: 503, body: UNAVAILABLE, retryAfter: '5' });
    expect(res.ms).toBeGreaterThanOrEqual(900);
    expect(res.ms).toBeLessThan(2500);
    expect((await t.http().post('/api/token/refresh/').send({ refresh })).status).toBe(200);
  });

  it('databasePoolTimeout: with the network silent, a login waiting for a new connection is a 503 after about a second', async () => {
    // No idle connection to reuse: every statement needs a new one, through the silent proxy.
    await admin((client) => client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [APPLICATION]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    proxy.cut();
    let res;
    try {
      res = await timed(login());
    } finally {
      proxy.restore();
    }
    expect({ status: res.status, body: res.body, retryAfter: res.retryAfter }).toEqual({ status: 503, body: UNAVAILABLE, retryAfter: '5' });
    expect(res.ms).toBeGreaterThanOrEqual(900);
    expect(res.ms).toBeLessThan(2500);
    expect((await login()).status).toBe(200);
  });
});

describe('databasePoolOptions and BoundedClient', () => {
  it('bound every wait: the statement (and an idle transaction) on the server, the answer and the connection on the client', () => {
    expect(databasePoolOptions(databaseTimeouts({}))).toEqual({
      Client: BoundedClient,
      connectionTimeoutMillis: 3000,
      statement_timeout: 5000,
      idle_in_transaction_session_timeout: 5000,
      query_timeout: 5500,
    });
    expect(databasePoolOptions(databaseTimeouts({ databaseStatementTimeout: 0, databasePoolTimeout: '1.5s' }))).toEqual({
      Client: pg.Client,
      connectionTimeoutMillis: 1500,
    });
    expect(() => databaseTimeouts({ databaseStatementTimeout: 'soon' })).toThrow(SettingsError);
    expect(() => databaseTimeouts({ databasePoolTimeout: '-1' })).toThrow('databasePoolTimeout: expected seconds or a duration');
  });

  it('closes a connection whose answer never came, so nothing waits on it again', async () => {
    const url = await emptyDatabase();
    const proxy = await TcpProxy.start(Number(new URL(url).port));
    const client = new BoundedClient({ connectionString: proxy.route(url), query_timeout: 300 });
    client.on('error', () => {}); // the closed connection reports itself; the query already failed
    try {
      await client.connect();
      proxy.cut();
      await expect(client.query('SELECT 1')).rejects.toThrow('Query read timeout');
      const started = Date.now();
      await expect(client.query('SELECT 1')).rejects.toThrow(/not queryable|Connection terminated/);
      expect(Date.now() - started).toBeLessThan(100); // refused at once, not another wait
    } finally {
      proxy.restore();
      await client.end().catch(() => {});
      await proxy.close();
    }
  });
});
