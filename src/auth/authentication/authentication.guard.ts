import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '../permissions/permission.js';
import type { RequestWithHeaders } from './authorization-header.js';
import { JwtAuthentication } from './jwt-authentication.service.js';

/**
 * The first global guard: authenticates every request, public routes included, as DRF does.
 * No credentials leaves `request.user` null; bad credentials are a 401 at once.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(private readonly authentication: JwtAuthentication) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & RequestWithHeaders>();
    const result = await this.authentication.authenticate(request);
    request.user = result?.user ?? null;
    request.auth = result?.claims ?? null;
    return true;
  }
}
