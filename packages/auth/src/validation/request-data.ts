import { createParamDecorator, type ExecutionContext, type Type } from '@nestjs/common';
import { DrfValidationPipe } from './drf-validation.pipe.js';

/**
 * DRF's `request.data`, unread: the body as parsed, or an UnreadableBody, not yet validated.
 * Take it where the object must be found and its permissions checked before the body counts
 * (DRF's update: get_object, then the serializer), and validate it then with `validated()`.
 */
export const RequestData = createParamDecorator(
  (_data: unknown, context: ExecutionContext): unknown => context.switchToHttp().getRequest<{ body?: unknown }>().body,
);

const pipe = new DrfValidationPipe();

/** The body checked against a class of DRF-style fields, or the 400 (or parse error) DRF answers. */
export async function validated<T extends object>(type: Type<T>, body: unknown): Promise<T> {
  return (await pipe.transform(body, { type: 'body', metatype: type })) as T;
}
