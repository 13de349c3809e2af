import { applyDecorators, SetMetadata } from '@nestjs/common';
import { AllowAny } from './builtin.permissions.js';
import type { PermissionClass } from './permission.js';

export const PERMISSIONS_METADATA = 'simple-jwt:permissions';

/**
 * The permission classes of a controller or handler (DRF's `permission_classes`); they replace
 * DEFAULT_PERMISSION_CLASSES, and a handler's replace its controller's. All must allow.
 */
export function Permissions(...classes: PermissionClass[]): ClassDecorator & MethodDecorator {
  return applyDecorators(SetMetadata(PERMISSIONS_METADATA, classes));
}

/** Open to anyone: `@Permissions(AllowAny)`. An invalid token is still a 401, as in DRF. */
export function Public(): ClassDecorator & MethodDecorator {
  return Permissions(AllowAny);
}
