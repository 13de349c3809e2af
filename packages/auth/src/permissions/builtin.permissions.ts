import { Injectable, type ExecutionContext } from '@nestjs/common';
import { UserResolver } from '../authentication/user-resolver.service.js';
import { BasePermission, requestOf, SAFE_METHODS } from './permission.js';

/** Anyone, authenticated or not. */
@Injectable()
export class AllowAny extends BasePermission {}

/** Only an authenticated user. The global default. */
@Injectable()
export class IsAuthenticated extends BasePermission {
  override hasPermission(context: ExecutionContext): boolean {
    return Boolean(requestOf(context).user);
  }
}

/** Only staff users (Django's is_staff). */
@Injectable()
export class IsAdminUser extends BasePermission {
  constructor(private readonly users: UserResolver) {
    super();
  }
  override hasPermission(context: ExecutionContext): boolean {
    const user = requestOf(context).user;
    return Boolean(user) && this.users.isStaff(user!);
  }
}

/** Anyone may read (GET, HEAD, OPTIONS); only an authenticated user may write. */
@Injectable()
export class IsAuthenticatedOrReadOnly extends BasePermission {
  override hasPermission(context: ExecutionContext): boolean {
    const request = requestOf(context);
    return SAFE_METHODS.has(request.method) || Boolean(request.user);
  }
}
