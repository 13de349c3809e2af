import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { allowConnections, dropDatabases } from './support/database.js';
import { startApp, type TestApp } from './support/test-app.js';

const OK = { status: 'ok', database: 'ok' };
const UNAVAILABLE = { status: 'unavailable', database: 'unavailable' };

describe('GET /api/health/', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await allowConnections(t.databaseUrl, true).catch(() => {});
    await t.close();
    await dropDatabases();
  });

  it.each(['/api/health/', '/api/health'])('answers 200 at %s without credentials', async (path) => {
    const res = await t.http().get(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(OK);
    expect(res.text).toBe('{"status":"ok","database":"ok"}');
  });

  it('still refuses an invalid bearer token with 401, as DRF does on public routes', async () => {
    const res = await t.http().get('/api/health/').set('Authorization', 'Bearer not-a-token');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid' }],
    });
  });

  it('answers HEAD with 200 and no body', async () => {
    const res = await t.http().head('/api/health/');
    expect(res.status).toBe(200);
    expect(res.text ?? '').toBe('');
  });

  it('answers POST with 405 and Allow', async () => {
    const res = await t.http().post('/api/health/').send({});
    expect(res.status).toBe(405);
    expect(res.body).toEqual({ detail: 'Method "POST" not allowed.' });
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('answers 503 within a few seconds while the database refuses connections, then 200 again', async () => {
    expect((await t.http().get('/api/health/')).status).toBe(200);
    await allowConnections(t.databaseUrl, false);
    try {
      const started = Date.now();
      const res = await t.http().get('/api/health/').timeout(10_000);
      expect({ status: res.status, body: res.body }).toEqual({ status: 503, body: UNAVAILABLE });
      expect(Date.now() - started).toBeLessThan(5_000);
      // And it keeps saying so while the outage lasts.
      const again = await t.http().get('/api/health').timeout(10_000);
      expect({ status: again.status, body: again.body }).toEqual({ status: 503, body: UNAVAILABLE });
    } finally {
      await allowConnections(t.databaseUrl, true);
    }
    const res = await t.http().get('/api/health/');
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: OK });
  });
});
