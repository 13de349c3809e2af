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

/** Joins one field's messages inside class-validator's single message. */
export const MESSAGE_SEPARATOR = '\u0000';

export interface FieldSpec {
  readonly name: string;
  readonly options: Required<Omit<CharFieldOptions, 'maxLength'>> & { maxLength?: number };
}

/** The fields a body class declares with `@CharField()`, in declaration order. */
export function fieldsOf(type: object): readonly FieldSpec[] {
  return (Reflect.getMetadata(FIELDS, type) as FieldSpec[] | undefined) ?? [];
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * DRF CharField's complaints about a raw value, none when it is acceptable: the first of
 * required / null / type / blank, else every validator's (length, NUL, lone surrogates).
 */
export function charFieldErrors(value: unknown, options: FieldSpec['options']): string[] {
  if (value === undefined) return options.required ? [MESSAGES.required] : [];
  if (value === null) return options.allowNull ? [] : [MESSAGES.mayNotBeNull];
  if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
    return [MESSAGES.notAValidString];
  }
  const text = toCharValue(value, options.trim);
  if (text === '') return options.allowBlank ? [] : [MESSAGES.mayNotBeBlank];
  const errors: string[] = [];
  if (options.maxLength !== undefined && [...text].length > options.maxLength) errors.push(MESSAGES.maxLength(options.maxLength));
  if (text.includes('\0')) errors.push(MESSAGES.nullCharacters);
  const surrogate = loneSurrogate(text);
  if (surrogate !== null) errors.push(MESSAGES.surrogateCharacters(surrogate));
  return errors;
}

/** The first unpaired UTF-16 surrogate, as DRF names it (U+D800), or null. */
function loneSurrogate(text: string): string | null {
  if (!SURROGATE.test(text)) return null;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    if (code >= 0xd800 && code <= 0xdfff) return `U+${code.toString(16).toUpperCase()}`;
  }
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
      validate: (value: unknown) => charFieldErrors(value, spec).length === 0,
      // Several messages travel as one, split again by DrfValidationPipe.
      defaultMessage: (args?: ValidationArguments) => charFieldErrors(args?.value, spec).join(MESSAGE_SEPARATOR),
    },
  });
  return (target: object, property: string | symbol) => {
    const fields = [...fieldsOf(target.constructor), { name: String(property), options: spec }];
    Reflect.defineMetadata(FIELDS, fields, target.constructor);
    validate(target, property);
  };
}
