import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_OPTIONS } from '../auth.module-definition.js';
import type { AuthModuleOptions } from '../auth.options.js';
import { NotAuthenticated, PermissionDenied } from '../errors/exceptions.js';
import { IsAuthenticated } from './builtin.permissions.js';
import { requestOf, type Permission, type PermissionClass } from './permission.js';
import { PermissionResolver } from './permission-resolver.service.js';
import { PERMISSIONS_METADATA } from './permissions.decorator.js';

/** Where the guard leaves a request's permissions, for the object-level check. */
export const REQUEST_PERMISSIONS = Symbol('requestPermissions');

/**
 * The second global guard (DRF's check_permissions): the route's permission classes, else
 * DEFAULT_PERMISSION_CLASSES, must all allow. A refusal is a 401 for an anonymous request and
 * a 403 (with the class's message) for an authenticated one.
 */
@Injectable()
export class PermissionsGuard implements CanActivate {
  private readonly defaults: readonly PermissionClass[];
  private readonly byHandler = new WeakMap<object, Permission[]>();

  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: PermissionResolver,
    @Inject(AUTH_OPTIONS) options: AuthModuleOptions,
  ) {
    this.defaults = options.DEFAULT_PERMISSION_CLASSES ?? [IsAuthenticated];
  }

  /** The permission classes that govern a handler. */
  classesFor(handler: object, controller: object): readonly PermissionClass[] {
    return (
      this.reflector.getAllAndOverride<PermissionClass[] | undefined>(PERMISSIONS_METADATA, [
        handler as never,
        controller as never,
      ]) ?? this.defaults
    );
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const handler = context.getHandler();
    const permissions = this.byHandler.get(handler);
    if (permissions === undefined) return this.resolveThenCheck(context, handler);
    // Synchronous while the permissions answer synchronously (the built-in ones do).
    for (let i = 0; i < permissions.length; i++) {
      const allowed = permissions[i].hasPermission(context);
      if (typeof allowed !== 'boolean') return this.checkFrom(context, permissions, i, allowed);
      if (!allowed) throw refusal(context, permissions[i]);
    }
    (requestOf(context) as { [REQUEST_PERMISSIONS]?: Permission[] })[REQUEST_PERMISSIONS] = permissions;
    return true;
  }

  private async resolveThenCheck(context: ExecutionContext, handler: object): Promise<boolean> {
    const permissions = await this.resolver.all(this.classesFor(handler, context.getClass()));
    this.byHandler.set(handler, permissions);
    return this.checkFrom(context, permissions, 0, permissions[0]?.hasPermission(context) ?? true);
  }

  /** Goes on from permission `index`, whose answer is `pending`. */
  private async checkFrom(context: ExecutionContext, permissions: Permission[], index: number, pending: boolean | Promise<boolean>): Promise<boolean> {
    for (let i = index; i < permissions.length; i++) {
      const allowed = i === index ? await pending : await permissions[i].hasPermission(context);
      if (!allowed) throw refusal(context, permissions[i]);
    }
    (requestOf(context) as { [REQUEST_PERMISSIONS]?: Permission[] })[REQUEST_PERMISSIONS] = permissions;
    return true;
  }
}

/** DRF's permission_denied: 401 when nobody is authenticated, else 403 with the class's words. */
export function refusal(context: ExecutionContext, permission: Permission): NotAuthenticated | PermissionDenied {
  if (!requestOf(context).user) return new NotAuthenticated();
  return new PermissionDenied(permission.message, permission.code);
}
