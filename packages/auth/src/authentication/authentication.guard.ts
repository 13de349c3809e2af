import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedRequest } from '../permissions/permission.js';
import type { RequestWithHeaders } from './authorization-header.js';
import { JwtAuthentication } from './jwt-authentication.service.js';
import { SKIP_AUTHENTICATION_METADATA } from './skip-authentication.decorator.js';

/**
 * The first global guard: authenticates every request, public routes included, as DRF does.
 * No credentials leaves `request.user` null; bad credentials are a 401 at once. Routes marked
 * `@SkipAuthentication()` read no credentials.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly skipped = new WeakMap<object, boolean>();

  constructor(
    private readonly authentication: JwtAuthentication,
    private readonly reflector: Reflector,
  ) {}

  /** Synchronous for a route that skips authentication (Nest then awaits nothing). */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & RequestWithHeaders>();
    if (this.skips(context)) {
      request.user = null;
      request.auth = null;
      return true;
    }
    return this.authenticated(request);
  }

  private async authenticated(request: AuthenticatedRequest & RequestWithHeaders): Promise<boolean> {
    const result = await this.authentication.authenticate(request);
    request.user = result?.user ?? null;
    request.auth = result?.claims ?? null;
    return true;
  }

  private skips(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let skip = this.skipped.get(handler);
    if (skip === undefined) {
      skip = this.reflector.getAllAndOverride<boolean>(SKIP_AUTHENTICATION_METADATA, [handler, context.getClass()]) === true;
      this.skipped.set(handler, skip);
    }
    return skip;
  }
}
