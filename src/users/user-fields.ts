import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';

/**
 * Django's auth_user username and email fields as its forms and createsuperuser check them:
 * the same rules and the same messages (each function returns every message; none when valid).
 */

export const USERNAME_MAX_LENGTH = 150;
export const EMAIL_MAX_LENGTH = 254;

/** UnicodeUsernameValidator: Python's \w (letters, numbers, _) and @ . + - */
const USERNAME = /^[\p{L}\p{N}_.@+-]+$/u;

/** [A-Z] under Python's re.IGNORECASE: Unicode folding, plus İ and ı, which Python also folds onto i. */
const AZ = 'A-Z\\u0130\\u0131';
/** EmailValidator's three regexes (case-insensitive). */
const EMAIL_USER = new RegExp(
  `^[-!#$%&'*+/=?^_\`{}|~0-9${AZ}]+(?:\\.[-!#$%&'*+/=?^_\`{}|~0-9${AZ}]+)*$` +
    `|^"(?:[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f!#-[\\]-\\x7f]|\\\\[\\x01-\\x09\\x0b\\x0c\\x0e-\\x7f])*"$`,
  'iu',
);
const EMAIL_DOMAIN = new RegExp(`^(?:[${AZ}0-9](?:[${AZ}0-9-]{0,61}[${AZ}0-9])?\\.)+(?:[${AZ}0-9-]{2,63}(?<!-))$`, 'iu');
const EMAIL_LITERAL = /^\[([A-F0-9:.]+)\]$/iu;
const EMAIL_DOMAIN_ALLOWLIST = ['localhost'];
/** RFC 3696: Django refuses longer addresses before any regex runs. */
const EMAIL_MAX_VALIDATED = 320;

const length = (text: string) => Array.from(text).length;

function maxLength(value: string, limit: number): string | null {
  const actual = length(value);
  return actual > limit ? `Ensure this value has at most ${limit} characters (it has ${actual}).` : null;
}

/** The model field's clean(): blank first, then every validator (the username's, then max_length). */
export function usernameErrors(username: string): string[] {
  if (username === '') return ['This field cannot be blank.'];
  const errors: (string | null)[] = [
    USERNAME.test(username) ? null : 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
    maxLength(username, USERNAME_MAX_LENGTH),
  ];
  return errors.filter((error) => error !== null);
}

/** AbstractBaseUser.normalize_username: NFKC, so look-alike forms are one username. */
export function normalizeUsername(username: string): string {
  return username.normalize('NFKC');
}

/** The email field's clean(): blank is allowed; then EmailValidator, then max_length. */
export function emailErrors(email: string): string[] {
  if (email === '') return [];
  const errors: (string | null)[] = [isValidEmail(email) ? null : 'Enter a valid email address.', maxLength(email, EMAIL_MAX_LENGTH)];
  return errors.filter((error) => error !== null);
}

/** UserManager.normalize_email: the domain part lowercased. */
export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return email;
  return trimmed.slice(0, at) + '@' + trimmed.slice(at + 1).toLowerCase();
}

/** Django's EmailValidator.__call__. */
function isValidEmail(value: string): boolean {
  if (!value.includes('@') || length(value) > EMAIL_MAX_VALIDATED) return false;
  const at = value.lastIndexOf('@');
  const userPart = value.slice(0, at);
  const domainPart = value.slice(at + 1);
  if (!EMAIL_USER.test(userPart)) return false;
  if (EMAIL_DOMAIN_ALLOWLIST.includes(domainPart) || isValidDomainPart(domainPart)) return true;
  // An internationalized domain, tried in its punycode form ('' when it has none).
  if (/^[\x00-\x7f]*$/.test(domainPart)) return false;
  const ascii = domainToASCII(domainPart);
  return ascii !== '' && isValidDomainPart(ascii);
}

function isValidDomainPart(domainPart: string): boolean {
  if (EMAIL_DOMAIN.test(domainPart)) return true;
  const literal = EMAIL_LITERAL.exec(domainPart);
  return literal !== null && (isIPv4(literal[1]) || isIPv6(literal[1]));
}
