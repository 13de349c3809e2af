import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DefaultRouteModule } from './support/default-route.js';
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

  it('describes every route, with the bearer lock exactly where an anonymous request is refused', async () => {
    const res = await t.http().get('/api/docs-json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } });
    const locks: Record<string, boolean> = {};
    for (const [path, item] of Object.entries<Record<string, { security?: unknown }>>(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        locks[`${method.toUpperCase()} ${path}`] = operation.security !== undefined;
        if (operation.security !== undefined) expect(operation.security).toEqual([{ bearer: [] }]);
      }
    }
    expect(locks).toEqual({
      'POST /api/token': false,
      'POST /api/token/refresh': false,
      'POST /api/token/verify': false,
      'POST /api/token/blacklist': false,
      'GET /.well-known/jwks.json': false,
      'GET /api/health': false,
      'GET /api/me': true,
      'GET /api/users': true,
      'GET /api/notes': false,
      'POST /api/notes': true,
      'GET /api/notes/{id}': false,
      'PUT /api/notes/{id}': true,
      'PATCH /api/notes/{id}': true,
      'DELETE /api/notes/{id}': true,
    });
  });

  it('follows DEFAULT_PERMISSION_CLASSES for routes without @Permissions()', async () => {
    for (const [setting, locked] of [['AllowAny', false], ['IsAuthenticated', true]] as const) {
      const app = await startApp({ OPENAPI_PATH: 'api/docs', DEFAULT_PERMISSION_CLASSES: setting }, undefined, ['fatal'], [DefaultRouteModule]);
      try {
        const doc = (await app.http().get('/api/docs-json')).body;
        expect(doc.paths['/test/default'].get.security !== undefined).toBe(locked);
        expect(doc.paths['/api/me'].get.security).toEqual([{ bearer: [] }]);
        expect(doc.paths['/api/users'].get.security).toEqual([{ bearer: [] }]);
      } finally {
        await app.close();
      }
    }
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
