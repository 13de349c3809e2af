import type { CanActivate } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DrfExceptionFilter } from '../errors/drf-exception.filter.js';
import { MethodNotAllowed } from '../errors/exceptions.js';
import { RouteContext } from './route-context.js';
import type { RouteEntry } from './route-table.js';

/** DRF's order of methods in an Allow header (its http_method_names). */
const ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
/** Methods no route serves, refused with 405 like any other missing one. */
const NEVER_SERVED = ['TRACE'];

/** The Allow header of a path served for `methods`: HEAD beside GET, and OPTIONS always. */
export function allowHeader(methods: Iterable<string>): string[] {
  const allowed = new Set(methods);
  if (allowed.has('GET')) allowed.add('HEAD');
  allowed.add('OPTIONS');
  return ORDER.filter((m) => allowed.has(m));
}

export interface GuardChain {
  readonly guards: readonly CanActivate[];
  readonly filter: DrfExceptionFilter;
}

/**
 * Answers every other method on each known path as DRF's APIView does: authentication and the
 * route's permissions first (so an anonymous request to a protected route is a 401), then 405
 * with Allow; OPTIONS is a 200 describing the route. Register after Nest's routes.
 */
export function installMethodNotAllowed(fastify: FastifyInstance, routes: RouteEntry[], chain: GuardChain): void {
  const byPath = new Map<string, RouteEntry[]>();
  for (const route of routes) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route]);

  for (const [path, entries] of byPath) {
    const served = new Set(entries.map((e) => e.method));
    if (served.has('ALL')) continue;
    const allow = allowHeader(served);
    const judge = entries[0];
    const description = describe(judge);
    const missing = [...ORDER.filter((m) => !allow.includes(m)), ...NEVER_SERVED];
    const handler = (options: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        const context = new RouteContext([request, reply], judge.controller, judge.handler);
        for (const guard of chain.guards) await guard.canActivate(context);
        if (!options) throw new MethodNotAllowed(request.method, allow);
        reply.header('Allow', allow.join(', ')).send(description);
      } catch (error) {
        chain.filter.send(reply, error);
      }
    };
    if (missing.length > 0) fastify.route({ method: missing, url: path, handler: handler(false) });
    if (!served.has('OPTIONS')) fastify.route({ method: 'OPTIONS', url: path, handler: handler(true) });
  }
}

/** DRF's SimpleMetadata for OPTIONS: the view's name, and what it renders and parses. */
function describe(route: RouteEntry) {
  const name = route.controller.name.replace(/Controller$/, '').replace(/([a-z])([A-Z])/g, '$1 $2');
  return {
    name,
    description: '',
    renders: ['application/json'],
    parses: ['application/json', 'application/x-www-form-urlencoded'],
  };
}
