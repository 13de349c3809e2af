import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import type { DiscoveryService } from '@nestjs/core';

/** One handler of a controller, with the path and method Nest serves it at. */
export interface RouteEntry {
  readonly method: string;
  /** Normalised: leading slash, no trailing slash, `:param` segments. */
  readonly path: string;
  readonly controller: Function;
  readonly handler: Function;
}

/** Every controller route of the app, from Nest's own metadata. */
export function routeTable(discovery: DiscoveryService): RouteEntry[] {
  const routes: RouteEntry[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as Function | undefined;
    if (!controller) continue;
    const base = paths(Reflect.getMetadata(PATH_METADATA, controller));
    for (const name of methodNames(controller.prototype)) {
      const handler = controller.prototype[name] as Function;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      for (const prefix of base) {
        for (const own of paths(Reflect.getMetadata(PATH_METADATA, handler))) {
          routes.push({ method: RequestMethod[method], path: normalise(`${prefix}/${own}`), controller, handler });
        }
      }
    }
  }
  return routes;
}

function paths(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [value === undefined ? '' : String(value)];
}

function methodNames(prototype: object): string[] {
  const names = new Set<string>();
  for (let p = prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(p, name)?.value === 'function') names.add(name);
    }
  }
  return [...names];
}

export function normalise(path: string): string {
  const joined = ('/' + path).replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}
