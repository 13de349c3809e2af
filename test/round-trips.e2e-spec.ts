import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { dropDatabases } from './support/database.js';
import { bearer, createUser, login, startApp, type TestApp } from './support/test-app.js';

/**
 * What each hot path costs the database, counted at the pg client: every statement the app sends,
 * whether through the module, the user store or TypeORM, goes through Client.prototype.query.
 */
describe('database round trips per request', () => {
  let t: TestApp;
  let statements: string[] = [];
  const original = pg.Client.prototype.query;

  beforeAll(async () => {
    t = await startApp();
    await createUser(t, { username: 'alice' });
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const config = args[0] as string | { text?: string; name?: string };
      statements.push(typeof config === 'string' ? config : (config.name ?? config.text ?? '?'));
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
  });
  afterAll(async () => {
    pg.Client.prototype.query = original;
    await t.close();
    await dropDatabases();
  });

  async function counted<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    statements = [];
    const result = await work();
    return { result, statements: [...statements] };
  }

  it('an authenticated GET in database mode is one statement: the user and its session together', async () => {
    const { access } = await login(t, 'alice');
    await t.http().get('/api/me/').set(bearer(access)); // warm: prepared statements on this connection
    const { result, statements: sent } = await counted(() => t.http().get('/api/me/').set(bearer(access)));
    expect(result.status).toBe(200);
    expect(sent).toEqual([expect.stringMatching(/^simplejwt_session_user_/)]);
  });

  it('a refresh is one statement: the user check and the rotation together', async () => {
    const { refresh } = await login(t, 'alice');
    const { result, statements: sent } = await counted(() => t.http().post('/api/token/refresh/').send({ refresh }));
    expect(result.status).toBe(200);
    expect(sent).toEqual([expect.stringMatching(/^simplejwt_session_rotate_user_/)]);
    // The retry of a lost answer costs the same one statement.
    const retry = await counted(() => t.http().post('/api/token/refresh/').send({ refresh }));
    expect(retry.result.status).toBe(200);
    expect(retry.statements).toHaveLength(1);
  });

  it('a logout is one statement', async () => {
    const { refresh } = await login(t, 'alice');
    const { result, statements: sent } = await counted(() => t.http().post('/api/token/blacklist/').send({ refresh }));
    expect(result.status).toBe(200);
    expect(sent).toEqual(['simplejwt_session_end']);
  });
});
