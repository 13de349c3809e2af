import { Injectable, type ArgumentMetadata, type PipeTransform, type Type } from '@nestjs/common';
import { getMetadataStorage, validate } from 'class-validator';
import { ValidationFailed } from '../errors/exceptions.js';
import { MESSAGES } from '../errors/messages.js';
import { charFieldErrors, fieldsOf, MESSAGE_SEPARATOR, toCharValue } from './fields.js';
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
  private readonly onlyDrfFields = new WeakMap<Type<object>, boolean>();

  /** Synchronous unless the class carries class-validator rules besides its DRF fields. */
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
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
    if (!this.hasOnlyDrfFields(type)) return this.withClassValidator(type, instance);
    const errors: Record<string, string[]> = {};
    let failed = false;
    for (const { name, options } of fields) {
      const messages = charFieldErrors(instance[name], options);
      if (messages.length > 0) {
        errors[name] = messages;
        failed = true;
      }
    }
    if (failed) throw new ValidationFailed(errors);
    return coerced(type, instance);
  }

  /** Every rule class-validator knows for the class, DRF fields and others alike. */
  private async withClassValidator(type: Type<object>, instance: Record<string, unknown>): Promise<unknown> {
    const failures = await validate(instance, { forbidUnknownValues: false });
    if (failures.length > 0) {
      const byField = new Map(
        failures.map((f) => [f.property, Object.values(f.constraints ?? {}).flatMap((m) => m.split(MESSAGE_SEPARATOR))]),
      );
      const errors: Record<string, string[]> = {};
      for (const name of new Set([...fieldsOf(type).map((f) => f.name), ...byField.keys()])) {
        const messages = byField.get(name);
        if (messages?.length) errors[name] = messages;
      }
      throw new ValidationFailed(errors);
    }
    return coerced(type, instance);
  }

  private hasOnlyDrfFields(type: Type<object>): boolean {
    let only = this.onlyDrfFields.get(type);
    if (only === undefined) {
      const rules = getMetadataStorage().getTargetValidationMetadatas(type, '', true, false);
      only = rules.every((rule) => rule.name === 'drfCharField');
      this.onlyDrfFields.set(type, only);
    }
    return only;
  }
}

/** DRF's to_internal_value: numbers become their decimal strings, whitespace trimmed where asked. */
function coerced(type: Type<object>, instance: Record<string, unknown>): object {
  for (const { name, options } of fieldsOf(type)) {
    const value = instance[name];
    if (typeof value === 'string' || typeof value === 'number') instance[name] = toCharValue(value, options.trim);
  }
  return instance;
}
