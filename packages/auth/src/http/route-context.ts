import type { ExecutionContext, Type } from '@nestjs/common';

/**
 * The ExecutionContext of a request answered outside Nest's router (the 405 and OPTIONS routes),
 * so the same guards can judge it against the route's controller and handler.
 */
export class RouteContext implements ExecutionContext {
  constructor(
    private readonly args: [unknown, unknown],
    private readonly controller: Function,
    private readonly handler: Function,
  ) {}

  getClass<T = unknown>(): Type<T> {
    return this.controller as Type<T>;
  }
  getHandler(): Function {
    return this.handler;
  }
  getArgs<T extends unknown[] = unknown[]>(): T {
    return this.args as unknown as T;
  }
  getArgByIndex<T = unknown>(index: number): T {
    return this.args[index] as T;
  }
  getType<T extends string = 'http'>(): T {
    return 'http' as T;
  }
  switchToHttp() {
    const [request, response] = this.args;
    return {
      getRequest: <T>() => request as T,
      getResponse: <T>() => response as T,
      getNext: <T>() => undefined as T,
    };
  }
  switchToRpc(): never {
    throw new Error('RouteContext is HTTP only');
  }
  switchToWs(): never {
    throw new Error('RouteContext is HTTP only');
  }
}
