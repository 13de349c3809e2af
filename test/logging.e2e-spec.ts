import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CapturingLogger } from './support/capturing-logger.js';
import { dropDatabases } from './support/database.js';
import { bearer, createUser, SIGNING_KEY, startApp, type TestApp } from './support/test-app.js';

describe('logs', () => {
  const logger = new CapturingLogger();
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({}, undefined, logger);
    await createUser(t, { username: 'alice', password: 'hunter2 secret' });
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  it('never carry a password, a token or the signing key, whatever happens', async () => {
    const login = await t.http().post('/api/token/').send({ username: 'alice', password: 'hunter2 secret' });
    const { access, refresh } = login.body;
    await t.http().post('/api/token/').send({ username: 'alice', password: 'wrong secret' });
    await t.http().get('/api/me/').set(bearer(access));
    await t.http().get('/api/me/').set(bearer(access + 'x'));
    await t.http().post('/api/token/refresh/').send({ refresh });
    await t.http().post('/api/token/refresh/').send({ refresh });
    await t.http().post('/api/token/verify/').send({ token: access });
    await t.http().post('/api/token/').set('Content-Type', 'application/json').send('{"password": "hunter2 secret"');
    expect(logger.lines.length).toBeGreaterThan(0); // the capture works: the app logged its start
    const everything = logger.lines.join('\n');
    for (const secret of ['hunter2', access, refresh, access.split('.')[2], refresh.split('.')[2], SIGNING_KEY]) {
      expect(everything).not.toContain(secret);
    }
  });
});
