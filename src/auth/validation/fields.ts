import { ValidateBy, type ValidationArguments } from 'class-validator';
import { MESSAGES } from '../errors/messages.js';

export interface CharFieldOptions {
  /** Strip surrounding whitespace before use (DRF's trim_whitespace). @default true */
  trim?: boolean;
  /** Accept '' (DRF's allow_blank). @default false */
  allowBlank?: boolean;
  /** Accept null (DRF's allow_null). @default false */
  allowNull?: boolean;
  /** Absent is fine (DRF's required=False). @default true when required */
  required?: boolean;
  maxLength?: number;
}

const FIELDS = Symbol('drfFields');

interface FieldSpec {
  readonly name: string;
  readonly options: Required<Omit<CharFieldOptions, 'maxLength'>> & { maxLength?: number };
}

/** The fields a body class declares with `@CharField()`, in declaration order. */
export function fieldsOf(type: object): readonly FieldSpec[] {
  return (Reflect.getMetadata(FIELDS, type) as FieldSpec[] | undefined) ?? [];
}

/** The first DRF CharField complaint about a raw value, or null when it is acceptable. */
export function charFieldError(value: unknown, options: FieldSpec['options']): string | null {
  if (value === undefined) return options.required ? MESSAGES.required : null;
  if (value === null) return options.allowNull ? null : MESSAGES.mayNotBeNull;
  if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
    return MESSAGES.notAValidString;
  }
  const text = toCharValue(value, options.trim);
  if (text === '' && !options.allowBlank) return MESSAGES.mayNotBeBlank;
  if (options.maxLength !== undefined && [...text].length > options.maxLength) return MESSAGES.maxLength(options.maxLength);
  return null;
}

/** DRF's CharField.to_internal_value: a number becomes its decimal string; trimmed when asked. */
export function toCharValue(value: string | number, trim: boolean): string {
  const text = String(value);
  return trim ? text.trim() : text;
}

/**
 * A string field with DRF CharField's rules and messages: required, not null, a string or a
 * number (taken as its decimal string), not blank. Used with `DrfValidationPipe`.
 */
export function CharField(options: CharFieldOptions = {}): PropertyDecorator {
  const spec: FieldSpec['options'] = {
    trim: options.trim ?? true,
    allowBlank: options.allowBlank ?? false,
    allowNull: options.allowNull ?? false,
    required: options.required ?? true,
    maxLength: options.maxLength,
  };
  const validate = ValidateBy({
    name: 'drfCharField',
    validator: {
      validate: (value: unknown) => charFieldError(value, spec) === null,
      defaultMessage: (args?: ValidationArguments) => charFieldError(args?.value, spec) ?? '',
    },
  });
  return (target: object, property: string | symbol) => {
    const fields = [...fieldsOf(target.constructor), { name: String(property), options: spec }];
    Reflect.defineMetadata(FIELDS, fields, target.constructor);
    validate(target, property);
  };
}
