import { Injectable, NotFoundException, type CanActivate } from '@nestjs/common';
import { DiscoveryService, HttpAdapterHost } from '@nestjs/core';
import { AuthenticationGuard } from '../authentication/authentication.guard.js';
import { ApiException, MethodNotAllowed } from '../errors/exceptions.js';
import { PermissionsGuard } from '../permissions/permissions.guard.js';
import { ThrottleGuard } from '../throttling/throttle.guard.js';
import { globalPrefixOf } from './drf-http-state.js';
import { RouteContext } from './route-context.js';
import { normalise, routeTable, type RouteEntry } from './route-table.js';

/** DRF's order of methods in an Allow header (its http_method_names). */
const ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** The Allow header of a path served for `methods`: HEAD beside GET, and OPTIONS always. */
export function allowHeader(methods: Iterable<string>): string[] {
  const allowed = new Set(methods);
  if (allowed.has('GET')) allowed.add('HEAD');
  allowed.add('OPTIONS');
  return ORDER.filter((m) => allowed.has(m));
}

/** Whether `error` is the router's own 404 (no route for this method and path), not a handler's. */
export function isUnroutedRequest(error: unknown): boolean {
  return error instanceof NotFoundException && !(error instanceof ApiException) && /^Cannot [A-Z]+ /.test(error.message);
}

interface KnownPath {
  readonly pattern: RegExp;
  readonly allow: readonly string[];
  /** The route whose permissions judge requests to this path that no route serves. */
  readonly judge: RouteEntry;
}

/** What OPTIONS answers: DRF's SimpleMetadata (the view's name, what it renders and parses). */
export interface OptionsDescription {
  name: string;
  description: string;
  renders: string[];
  parses: string[];
}

/**
 * Answers a request the router found no handler for, when its path is served for other methods,
 * as DRF's APIView does on either HTTP adapter: authentication and the route's permissions (and
 * throttles) first, so an anonymous request to a protected route is a 401; then OPTIONS is a 200
 * describing the route, and any other method a 405 with Allow.
 */
@Injectable()
export class MethodNotAllowedResponder {
  private paths?: KnownPath[];
  private readonly guards: readonly CanActivate[];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly adapterHost: HttpAdapterHost,
    authentication: AuthenticationGuard,
    permissions: PermissionsGuard,
    throttles: ThrottleGuard,
  ) {
    this.guards = [authentication, permissions, throttles];
  }

  /**
   * Sends the answer and resolves true, or resolves false when no route serves the path at all
   * (a plain 404). Rejects with the error to send (401, 403, 405, 429).
   */
  async answer(request: { method: string }, response: unknown): Promise<boolean> {
    const adapter = this.adapterHost.httpAdapter;
    const url = String(adapter.getRequestUrl(request)).split('?')[0];
    // One trailing slash is optional; `//` and the like match no route, as in Django.
    const path = url.length > 1 && url.endsWith('/') ? url.slice(0, -1) : url;
    const known = this.known().find((entry) => entry.pattern.test(path));
    if (known === undefined) return false;
    const context = new RouteContext([request, response], known.judge.controller, known.judge.handler);
    for (const guard of this.guards) await guard.canActivate(context);
    const method = String(adapter.getRequestMethod(request)).toUpperCase();
    if (method !== 'OPTIONS') throw new MethodNotAllowed(method, known.allow);
    adapter.setHeader(response, 'Allow', known.allow.join(', '));
    adapter.reply(response, describe(known.judge), 200);
    return true;
  }

  private known(): KnownPath[] {
    if (this.paths === undefined) {
      const prefix = globalPrefixOf(this.adapterHost.httpAdapter);
      const byPath = new Map<string, RouteEntry[]>();
      for (const route of routeTable(this.discovery)) {
        const path = normalise(`${prefix}/${route.path}`);
        byPath.set(path, [...(byPath.get(path) ?? []), route]);
      }
      this.paths = [...byPath].map(([path, entries]) => ({
        pattern: pathPattern(path),
        allow: allowHeader(entries.map((e) => e.method)),
        judge: entries[0],
      }));
    }
    return this.paths;
  }
}

/** `/api/notes/:id` matches `/api/notes/5`; the request path comes without its trailing slash. */
function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

function describe(route: RouteEntry): OptionsDescription {
  const name = route.controller.name.replace(/Controller$/, '').replace(/([a-z])([A-Z])/g, '$1 $2');
  return {
    name,
    description: '',
    renders: ['application/json'],
    parses: ['application/json', 'application/x-www-form-urlencoded'],
  };
}
