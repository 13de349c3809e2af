import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabases } from './support/database.js';
import { startApp, type TestApp } from './support/test-app.js';

describe('the OpenAPI explorer', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ OPENAPI_PATH: 'api/docs' });
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  it('serves Swagger UI at /api/docs without credentials', async () => {
    const res = await t.http().get('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('swagger-ui');
  });

  it('initialises the UI so that a login authorizes it', async () => {
    const res = await t.http().get('/api/docs/swagger-ui-init.js');
    expect(res.status).toBe(200);
    expect(res.text).toContain('persistAuthorization');
    expect(res.text).toContain('preauthorizeApiKey');
  });

  it('describes every route, with the bearer lock exactly on protected ones', async () => {
    const res = await t.http().get('/api/docs-json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } });
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/health',
      '/api/me',
      '/api/token',
      '/api/token/blacklist',
      '/api/token/refresh',
      '/api/token/verify',
    ]);
    expect(doc.paths['/api/me'].get.security).toEqual([{ bearer: [] }]);
    for (const path of ['/api/token', '/api/token/refresh', '/api/token/verify', '/api/token/blacklist']) {
      expect(doc.paths[path].post.security).toBeUndefined();
    }
    expect(doc.paths['/api/health'].get.security).toBeUndefined();
  });

  it('documents the request bodies of the token endpoints', async () => {
    const doc = (await t.http().get('/api/docs-json')).body;
    const schema = doc.components.schemas.TokenObtainPairRequest;
    expect(schema.required).toEqual(['username', 'password']);
    expect(schema.properties.password.format).toBe('password');
    expect(doc.paths['/api/token'].post.responses['200']).toBeDefined();
    expect(doc.paths['/api/token'].post.responses['401']).toBeDefined();
  });
});
