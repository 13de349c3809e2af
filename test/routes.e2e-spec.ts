import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DiscoveryService } from '@nestjs/core';
import { PermissionsGuard, routeTable } from '@nest-simplejwt/auth';
import { dropDatabases } from './support/database.js';
import { startApp, type TestApp } from './support/test-app.js';

/**
 * Every route of the app and the permission classes that govern it. A new route fails this
 * spec until it is added here, so nothing becomes public by accident.
 */
const EXPECTED: Record<string, string> = {
  'POST /api/token': 'AllowAny',
  'POST /api/token/refresh': 'AllowAny',
  'POST /api/token/verify': 'AllowAny',
  'POST /api/token/blacklist': 'AllowAny',
  'GET /.well-known/jwks.json': 'AllowAny',
  'GET /api/health': 'AllowAny',
  'GET /api/health/live': 'AllowAny',
  'GET /api/health/ready': 'AllowAny',
  'GET /api/me': 'IsAuthenticated',
  'GET /api/users': 'IsAdminUser',
  'GET /api/sessions': 'IsAuthenticated',
  'POST /api/sessions/:id/revoke': 'IsAuthenticated',
  'POST /api/sessions/revoke-others': 'IsAuthenticated',
  'GET /api/users/:id/sessions': 'IsAdminUser',
  'POST /api/users/:id/sessions/revoke-all': 'IsAdminUser',
  'POST /api/password/change': 'IsAuthenticated',
  'GET /api/notes': 'IsAuthenticatedOrReadOnly, IsOwnerOrStaff',
  'POST /api/notes': 'IsAuthenticatedOrReadOnly, IsOwnerOrStaff',
  'GET /api/notes/:id': 'IsAuthenticatedOrReadOnly, IsOwnerOrStaff',
  'PUT /api/notes/:id': 'IsAuthenticatedOrReadOnly, IsOwnerOrStaff',
  'PATCH /api/notes/:id': 'IsAuthenticatedOrReadOnly, IsOwnerOrStaff',
  'DELETE /api/notes/:id': 'IsAuthenticatedOrReadOnly, IsOwnerOrStaff',
};

describe('route permissions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ JWT_SLIDING_TOKENS: 'false' });
  });
  afterAll(async () => {
    await t.close();
    await dropDatabases();
  });

  it('match the table: no route is public, or protected, by accident', () => {
    const guard = t.app.get(PermissionsGuard);
    const defaults = guard.classesFor(() => {}, class {});
    const actual: Record<string, string> = {};
    for (const route of routeTable(t.app.get(DiscoveryService))) {
      const classes = guard.classesFor(route.handler, route.controller);
      const names = classes.map((c) => c.name).join(', ');
      actual[`${route.method} ${route.path}`] = classes === defaults ? `${names} (default)` : names;
    }
    expect(actual).toEqual(EXPECTED);
  });

  it('include the sliding-token routes, public, when they are switched on', async () => {
    const sliding = await startApp({ JWT_SLIDING_TOKENS: 'true' });
    try {
      const guard = sliding.app.get(PermissionsGuard);
      const routes = routeTable(sliding.app.get(DiscoveryService)).filter((r) => r.path.includes('sliding'));
      expect(routes.map((r) => `${r.method} ${r.path}: ${guard.classesFor(r.handler, r.controller).map((c) => c.name).join(', ')}`)).toEqual([
        'POST /api/token/sliding: AllowAny',
        'POST /api/token/sliding/refresh: AllowAny',
      ]);
    } finally {
      await sliding.close();
    }
  });
});
