import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { requestOf } from '../permissions/permission.js';

/** The authenticated user of the request (DRF's `request.user`), or null when anonymous. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => requestOf(context).user ?? null,
);
