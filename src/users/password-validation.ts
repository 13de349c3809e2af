import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { SequenceMatcher } from './sequence-matcher.js';

/** What UserAttributeSimilarityValidator compares a password with (a User has these fields). */
export interface PasswordUser {
  username?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
}

/** One of Django's password validators: its message when it refuses the password, else null. */
export type PasswordValidator = (password: string, user?: PasswordUser) => string | null;

/** How Django's messages name each attribute (the fields' verbose names). */
const VERBOSE_NAMES: Record<keyof PasswordUser, string> = {
  username: 'username',
  firstName: 'first name',
  lastName: 'last name',
  email: 'email address',
};

/** Python's \W: anything but letters, numbers and the underscore. */
const NON_WORD = /[^\p{L}\p{N}_]+/u;

/** Python's str.strip() whitespace (str.isspace), which is not quite JavaScript's trim(). */
const PYTHON_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PYTHON_STRIP = new RegExp(`^${PYTHON_SPACE}+|${PYTHON_SPACE}+$`, 'gu');

/** Python's str.isdigit(): decimal digits and the other digits (superscripts, circled, ...). */
const DIGITS =
  /^[\p{Nd}\u00b2\u00b3\u00b9\u1369-\u1371\u19da\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u2776-\u277e\u2780-\u2788\u278a-\u2792\u{10a40}-\u{10a43}\u{10e60}-\u{10e68}\u{11052}-\u{1105a}\u{1f100}-\u{1f10a}]+$/u;

const length = (text: string) => Array.from(text).length;
const pythonStrip = (text: string) => text.replace(PYTHON_STRIP, '');

/** Django's test for a blank password (createsuperuser): nothing but whitespace. */
export function isBlankPassword(password: string): boolean {
  return pythonStrip(password) === '';
}

/**
 * Django's exceeds_maximum_length_ratio: a value that short next to the password cannot reach
 * max_similarity, so the comparison is skipped (as Django skips it: this decides empty parts).
 */
function exceedsMaximumLengthRatio(password: string, maxSimilarity: number, value: string): boolean {
  const passwordLength = length(password);
  const valueLength = length(value);
  return passwordLength >= 10 * valueLength && valueLength < (maxSimilarity / 2) * passwordLength;
}

/**
 * Django's UserAttributeSimilarityValidator: refuses a password whose SequenceMatcher
 * quick_ratio() with an attribute, or with any part of it split on non-word characters, is at
 * least maxSimilarity (both lowercased).
 */
export function userAttributeSimilarity(
  maxSimilarity = 0.7,
  attributes: readonly (keyof PasswordUser)[] = ['username', 'firstName', 'lastName', 'email'],
): PasswordValidator {
  if (maxSimilarity < 0.1) throw new RangeError('max_similarity must be at least 0.1');
  return (password, user) => {
    if (!user) return null;
    const lowered = password.toLowerCase();
    for (const attribute of attributes) {
      const value = user[attribute];
      if (!value) continue;
      const valueLower = value.toLowerCase();
      for (const part of [...valueLower.split(NON_WORD), valueLower]) {
        if (exceedsMaximumLengthRatio(lowered, maxSimilarity, part)) continue;
        if (new SequenceMatcher(lowered, part).quickRatio() >= maxSimilarity) {
          return `The password is too similar to the ${VERBOSE_NAMES[attribute]}.`;
        }
      }
    }
    return null;
  };
}

/** Django's MinimumLengthValidator (length in code points, as Python counts). */
export function minimumLength(minLength = 8): PasswordValidator {
  const unit = minLength === 1 ? 'character' : 'characters';
  return (password) =>
    length(password) < minLength ? `This password is too short. It must contain at least ${minLength} ${unit}.` : null;
}

let commonPasswords: Set<string> | undefined;

/** Django's list (django/contrib/auth/common-passwords.txt.gz), kept beside this module. */
function loadCommonPasswords(): Set<string> {
  const gz = readFileSync(new URL('./common-passwords.txt.gz', import.meta.url));
  return new Set(gunzipSync(gz).toString('utf8').split('\n').map(pythonStrip));
}

/** Django's CommonPasswordValidator: the 19,727 common passwords it ships (lowercased). */
export function commonPassword(): PasswordValidator {
  return (password) => {
    commonPasswords ??= loadCommonPasswords();
    return commonPasswords.has(pythonStrip(password.toLowerCase())) ? 'This password is too common.' : null;
  };
}

/** Django's NumericPasswordValidator. */
export function numericPassword(): PasswordValidator {
  return (password) => (DIGITS.test(password) ? 'This password is entirely numeric.' : null);
}

/** The AUTH_PASSWORD_VALIDATORS of Django's project template, in its order. */
export const DEFAULT_PASSWORD_VALIDATORS: readonly PasswordValidator[] = [
  userAttributeSimilarity(),
  minimumLength(),
  commonPassword(),
  numericPassword(),
];

/** Django's validate_password: every validator's message, in order; empty when it passes. */
export function validatePassword(
  password: string,
  user?: PasswordUser,
  validators: readonly PasswordValidator[] = DEFAULT_PASSWORD_VALIDATORS,
): string[] {
  return validators.map((validate) => validate(password, user)).filter((message) => message !== null);
}
