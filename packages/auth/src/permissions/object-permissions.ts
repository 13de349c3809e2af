import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { requestOf, type Permission } from './permission.js';
import { refusal, REQUEST_PERMISSIONS } from './permissions.guard.js';

/** Throws the 401 or 403 DRF would when a permission of the route refuses `object`. */
export type ObjectPermissionCheck = (object: unknown) => Promise<void>;

/**
 * DRF's check_object_permissions: every permission of the route must allow `object`.
 * Call it once the object is loaded (a service can take the check as an argument).
 */
export async function checkObjectPermissions(context: ExecutionContext, object: unknown): Promise<void> {
  const permissions = (requestOf(context) as { [REQUEST_PERMISSIONS]?: Permission[] })[REQUEST_PERMISSIONS];
  if (permissions === undefined) throw new Error('checkObjectPermissions: the PermissionsGuard did not run for this request');
  for (const permission of permissions) {
    if (!(await permission.hasObjectPermission(context, object))) throw refusal(context, permission);
  }
}

/** A handler parameter: the object-level check of this request, ready to call. */
export const ObjectPermissions = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ObjectPermissionCheck =>
    (object) => checkObjectPermissions(context, object),
);
