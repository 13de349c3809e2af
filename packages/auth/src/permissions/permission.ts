import type { ExecutionContext, Type } from '@nestjs/common';

/**
 * DRF's BasePermission. Implement either check (both allow by default when you extend
 * BasePermission) and give it a `message`/`code` for the 403 it causes. Permission classes are
 * providers: they may inject what they need, and are created once per app.
 */
export interface Permission {
  /** The 403 detail when this permission refuses an authenticated user. */
  readonly message?: string;
  /** A code that goes into the 403 body beside the detail. */
  readonly code?: string;
  /** View-level check, before the handler runs (DRF's has_permission). */
  hasPermission(context: ExecutionContext): boolean | Promise<boolean>;
  /** Object-level check, once the handler has loaded the object (DRF's has_object_permission). */
  hasObjectPermission(context: ExecutionContext, object: unknown): boolean | Promise<boolean>;
}

/** A permission class: what `@Permissions()` and DEFAULT_PERMISSION_CLASSES take. */
export type PermissionClass = Type<Permission>;

/** Allows everything; subclass it and override the check you need. */
export abstract class BasePermission implements Permission {
  message?: string;
  code?: string;
  hasPermission(_context: ExecutionContext): boolean | Promise<boolean> {
    return true;
  }
  hasObjectPermission(_context: ExecutionContext, _object: unknown): boolean | Promise<boolean> {
    return true;
  }
}

/** The request as the guards leave it: `user` null when anonymous, `auth` the token's claims. */
export interface AuthenticatedRequest {
  method: string;
  user?: object | null;
  auth?: Record<string, unknown> | null;
}

export function requestOf(context: ExecutionContext): AuthenticatedRequest {
  return context.switchToHttp().getRequest<AuthenticatedRequest>();
}

/** DRF's SAFE_METHODS. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
