import { Inject, Injectable, type CanActivate, type ExecutionContext, type OnModuleDestroy } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_OPTIONS } from '../auth.module-definition.js';
import type { AuthModuleOptions } from '../auth.options.js';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { UserResolver } from '../authentication/user-resolver.service.js';
import { clientAddress, type RequestWithClient } from '../authentication/client-info.js';
import { Throttled } from '../errors/exceptions.js';
import { MemoryThrottleStore, type ThrottleStore } from './throttle-store.js';
import { THROTTLE_SCOPE_METADATA } from './throttle-scope.decorator.js';

interface ThrottledRequest extends RequestWithClient {
  user?: object | null;
}

/**
 * The third global guard (DRF's check_throttles), after authentication and permissions:
 * AnonRateThrottle (`anon`: anonymous requests, per client address), UserRateThrottle (`user`:
 * every request, per user, or per client address when anonymous) and ScopedRateThrottle (a
 * route's `@ThrottleScope()`, keyed the same way). A route under `@NoThrottle()` is not throttled.
 * Over a rate: 429 with Retry-After, the longest wait of the throttles that refused.
 */
@Injectable()
export class ThrottleGuard implements CanActivate, OnModuleDestroy {
  private readonly store: ThrottleStore;
  private readonly numProxies: number;

  constructor(
    private readonly reflector: Reflector,
    @Inject(SIMPLE_JWT) private readonly settings: ResolvedSettings,
    private readonly resolver: UserResolver,
    @Inject(AUTH_OPTIONS) options: AuthModuleOptions,
  ) {
    this.store = options.throttleStore ?? new MemoryThrottleStore();
    this.numProxies = settings.NUM_PROXIES;
    this.off = Object.keys(settings.DEFAULT_THROTTLE_RATES).length === 0;
  }

  private readonly off: boolean;

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    return this.off || this.check(context);
  }

  private async check(context: ExecutionContext): Promise<boolean> {
    const scope = this.reflector.getAllAndOverride<string | false | undefined>(THROTTLE_SCOPE_METADATA, [context.getHandler(), context.getClass()]);
    if (scope === false) return true;
    const rates = this.settings.DEFAULT_THROTTLE_RATES;
    const request = context.switchToHttp().getRequest<ThrottledRequest>();
    const user = request.user ?? null;
    const ident = user === null ? `ip:${this.clientAddress(request)}` : `user:${this.userId(user)}`;
    const scopes: string[] = user === null ? ['anon', 'user'] : ['user'];
    if (scope !== undefined) scopes.push(scope);
    const now = Date.now() / 1000;
    let wait: number | null = null;
    for (const name of scopes) {
      const rate = rates[name];
      if (rate === undefined) continue;
      const refused = await this.store.hit(`throttle_${name}_${ident}`, rate.requests, rate.seconds, now);
      if (refused !== null) wait = Math.max(wait ?? 0, refused);
    }
    if (wait !== null) throw new Throttled(wait);
    return true;
  }

  async onModuleDestroy(): Promise<void> {
    await (this.store as { close?: () => void | Promise<void> }).close?.();
  }

  /** DRF's get_ident: override to identify anonymous clients otherwise. */
  protected clientAddress(request: ThrottledRequest): string {
    return clientAddress(request, this.numProxies);
  }

  protected userId(user: object): string {
    return String(this.resolver.idOf(user));
  }
}
