import { Injectable, type ArgumentMetadata, type PipeTransform, type Type } from '@nestjs/common';
import { validate } from 'class-validator';
import { ValidationFailed } from '../errors/exceptions.js';
import { MESSAGES } from '../errors/messages.js';
import { fieldsOf, MESSAGE_SEPARATOR, toCharValue } from './fields.js';
import { UnreadableBody } from './unreadable-body.js';

/** Python's name for a JSON value's type, as DRF's "Expected a dictionary" message shows it. */
function pythonType(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return typeof value;
}

/**
 * Validates a body against a class declared with DRF-style fields (`@CharField()`), and answers
 * DRF's 400 bodies: `{"field": ["message"]}`, one key per bad field in declaration order.
 * Only declared fields are copied from the body, so unknown keys (even `__proto__`) are ignored.
 */
@Injectable()
export class DrfValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body') return value;
    if (value instanceof UnreadableBody) throw value.error;
    // An empty body needs no content type: it reads as {} (DRF's empty request.data).
    const body = value === undefined ? {} : value;
    const type = metadata.metatype as Type<object> | undefined;
    if (type === undefined || fieldsOf(type).length === 0) return body;
    if (body === null) throw new ValidationFailed({ non_field_errors: [MESSAGES.noDataProvided] });
    if (typeof body !== 'object' || Array.isArray(body)) {
      throw new ValidationFailed({ non_field_errors: [MESSAGES.expectedDictionary(pythonType(body))] });
    }
    const fields = fieldsOf(type);
    const instance = new type() as Record<string, unknown>;
    for (const { name } of fields) {
      if (Object.hasOwn(body, name)) instance[name] = (body as Record<string, unknown>)[name];
    }
    const failures = await validate(instance, { forbidUnknownValues: false });
    if (failures.length > 0) {
      const errors: Record<string, string[]> = {};
      const byField = new Map(
        failures.map((f) => [f.property, Object.values(f.constraints ?? {}).flatMap((m) => m.split(MESSAGE_SEPARATOR))]),
      );
      for (const { name } of fields) {
        const messages = byField.get(name);
        if (messages?.length) errors[name] = messages;
      }
      throw new ValidationFailed(errors);
    }
    for (const { name, options } of fields) {
      const value = instance[name];
      if (typeof value === 'string' || typeof value === 'number') instance[name] = toCharValue(value, options.trim);
    }
    return instance;
  }
}
