import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OPENAPI_FILE, renderOpenApi } from '../src/http/openapi-file.js';
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

  it('initialises the UI so that a login authorizes it and persists that (the browser specs show it working)', async () => {
    const res = await t.http().get('/api/docs/swagger-ui-init.js');
    expect(res.status).toBe(200);
    expect(res.text).toContain('"persistAuthorization": true');
    expect(res.text).toContain('preauthorizeApiKey');
    expect(res.text).toContain('persistAuthorizationIfNeeded()');
    expect(res.text).not.toContain('requestInterceptor');
  });

  it('is exactly the committed openapi.json (regenerate it with npm run openapi)', async () => {
    const served = renderOpenApi((await t.http().get('/api/docs-json')).body);
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    if (served !== committed) {
      throw new Error('openapi.json is out of date with the code: run `npm run openapi` and commit the result');
    }
  });

  it('documents every error of the wire contract with its exact bodies as examples', async () => {
    const doc = (await t.http().get('/api/docs-json')).body;
    const examples = (name: string) =>
      Object.values<{ value: unknown }>(doc.components.responses[name].content['application/json'].examples).map((e) => e.value);
    expect(examples('NotFound')).toEqual([{ detail: 'Not found.' }]);
    expect(examples('MethodNotAllowed')).toEqual([{ detail: 'Method "GET" not allowed.' }]);
    expect(examples('PayloadTooLarge')).toEqual([{ detail: 'Request body is too large.' }]);
    expect(examples('UnsupportedMediaType')).toEqual([{ detail: 'Unsupported media type "text/plain" in request.' }]);
    expect(examples('TooManyRequests')).toEqual([{ detail: 'Request was throttled. Expected available in 42 seconds.' }]);
    expect(examples('ServiceUnavailable')).toEqual([{ detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' }]);
    expect(examples('PermissionDenied')).toEqual([{ detail: 'You do not have permission to perform this action.' }]);
    expect(examples('BadRequest')).toContainEqual({ username: ['This field is required.'], password: ['This field is required.'] });
    expect(examples('NotAuthenticated')).toContainEqual({ detail: 'Authentication credentials were not provided.' });
    expect(doc.components.responses.TooManyRequests.headers['Retry-After']).toBeDefined();
    expect(doc.components.responses.ServiceUnavailable.headers['Retry-After']).toBeDefined();
    const login = doc.paths['/api/token'].post.responses;
    expect(Object.keys(login)).toEqual(['200', '400', '401', '405', '413', '415', '429', '503']);
    expect(Object.values<{ value: unknown }>(login['401'].content['application/json'].examples).map((e) => e.value)).toEqual([
      { detail: 'No active account found with the given credentials' },
    ]);
    expect(login['429']).toEqual({ $ref: '#/components/responses/LoginRefused' });
    expect(examples('LoginRefused')).toEqual([
      { detail: 'Request was throttled. Expected available in 42 seconds.' },
      { detail: 'Too many failed login attempts. Try again in 900 seconds.', code: 'login_locked' },
    ]);
    expect(doc.paths['/api/token/refresh'].post.responses['429']).toEqual({ $ref: '#/components/responses/TooManyRequests' });
    expect(Object.keys(doc.paths['/api/notes/{id}'].put.responses)).toEqual(['200', '400', '401', '403', '404', '405', '413', '415', '429', '503']);
    expect(Object.keys(doc.paths['/api/me'].get.responses)).toEqual(['200', '401', '403', '405', '429', '503']);
  });

  it('gives the token responses real tokens as examples', async () => {
    const doc = (await t.http().get('/api/docs-json')).body;
    const pair = doc.components.schemas.TokenPairResponse.properties;
    for (const [field, type] of [['access', 'access'], ['refresh', 'refresh']]) {
      const claims = JSON.parse(Buffer.from(pair[field].example.split('.')[1], 'base64url').toString('utf8'));
      expect(claims).toMatchObject({ token_type: type, user_id: 1 });
    }
  });

  it('describes every route, with the bearer lock exactly where an anonymous request is refused', async () => {
    const res = await t.http().get('/api/docs-json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.components.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The access token from POST /api/token/' },
    });
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
      'GET /api/health/live': false,
      'GET /api/health/ready': false,
      'GET /api/me': true,
      'GET /api/users': true,
      'GET /api/sessions': true,
      'POST /api/sessions/{id}/revoke': true,
      'POST /api/sessions/revoke-others': true,
      'GET /api/users/{id}/sessions': true,
      'POST /api/users/{id}/sessions/revoke-all': true,
      'POST /api/password/change': true,
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

  it('in cookie mode: the cookie scheme beside bearer, refresh without a required body, CSRF 403s, and a CSRF-sending explorer', async () => {
    const app = await startApp({ OPENAPI_PATH: 'api/docs', JWT_AUTH_COOKIE: 'access-token', JWT_AUTH_REFRESH_COOKIE: 'refresh-token' });
    try {
      const doc = (await app.http().get('/api/docs-json')).body;
      expect(doc.components.securitySchemes.cookie).toEqual({ type: 'apiKey', in: 'cookie', name: 'access-token', description: 'The access cookie a login sets (cookie mode)' });
      expect(doc.paths['/api/me'].get.security).toEqual([{ bearer: [] }, { cookie: [] }]);
      expect(doc.components.schemas.TokenRefreshRequest.required).toBeUndefined();
      expect(doc.paths['/api/token/refresh'].post.requestBody.required).toBe(false);
      expect(doc.paths['/api/token/refresh'].post.responses['403']).toEqual({ $ref: '#/components/responses/CsrfFailed' });
      expect(doc.paths['/api/notes'].post.responses['403']).toEqual({ $ref: '#/components/responses/PermissionOrCsrf' });
      expect(doc.paths['/api/token'].post.responses['403']).toBeUndefined();
      const csrf = Object.values<{ value: unknown }>(doc.components.responses.CsrfFailed.content['application/json'].examples).map((e) => e.value);
      expect(csrf).toEqual([
        { detail: 'CSRF Failed: CSRF token missing.' },
        { detail: 'CSRF Failed: CSRF token incorrect.' },
        { detail: 'CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins.' },
      ]);
      const init = (await app.http().get('/api/docs/swagger-ui-init.js')).text;
      expect(init).toContain('"requestInterceptor": function anonymous(request');
      expect(init).toContain('request.headers["x-csrftoken"]');
    } finally {
      await app.close();
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
