import type { INestApplication } from '@nestjs/common';
import { PermissionResolver, PermissionsGuard, RouteContext, type RouteEntry } from '@nest-simplejwt/auth';

/** `GET /api/notes/:id` → whether an anonymous request is refused there. */
export type RouteLocks = ReadonlyMap<string, boolean>;

export const routeKey = (method: string, path: string) => `${method} ${path}`;

/**
 * Asks each route's own permission classes whether an anonymous request may pass, so the
 * explorer's lock follows `@Permissions()` (and DEFAULT_PERMISSION_CLASSES) and cannot drift.
 * A permission that throws on the question counts as a refusal.
 */
export async function routeLocks(app: INestApplication, routes: RouteEntry[]): Promise<RouteLocks> {
  const guard = app.get(PermissionsGuard);
  const resolver = app.get(PermissionResolver);
  const locks = new Map<string, boolean>();
  for (const route of routes) {
    const anonymous = { method: route.method, user: null, auth: null, headers: {}, params: {}, query: {}, body: {} };
    const context = new RouteContext([anonymous, {}], route.controller, route.handler);
    let locked = false;
    for (const permission of await resolver.all(guard.classesFor(route.handler, route.controller))) {
      try {
        if (!(await permission.hasPermission(context))) locked = true;
      } catch {
        locked = true;
      }
    }
    locks.set(routeKey(route.method, route.path), locked);
  }
  return locks;
}
