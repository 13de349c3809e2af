import { describe, expect, it } from '@jest/globals';
import { emailErrors, normalizeEmail, normalizeUsername, usernameErrors } from './user-fields.js';

const INVALID_EMAIL = 'Enter a valid email address.';
const INVALID_USERNAME = 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.';

/** Expected answers are Django 3.2.25's, from User._meta.get_field(...).clean(value, None). */
describe("auth_user's username and email rules (Django's)", () => {
  describe('username', () => {
    it.each<[string, string[]]>([
      ['root', []],
      ['zoë.o+k-1_@x', []],
      ['٣', []],
      ['Ⅻ', []],
      ['_', []],
      ['a'.repeat(150), []],
      ['', ['This field cannot be blank.']],
      ['bad name', [INVALID_USERNAME]],
      ['bad/name', [INVALID_USERNAME]],
      ['a'.repeat(151), ['Ensure this value has at most 150 characters (it has 151).']],
      ['a b'.repeat(60), [INVALID_USERNAME, 'Ensure this value has at most 150 characters (it has 180).']],
      // A combining accent is not a letter: Django wants the composed form (normalizeUsername).
      ['e\u0301', [INVALID_USERNAME]],
    ])('%j', (username, errors) => {
      expect(usernameErrors(username)).toEqual(errors);
    });

    it('is stored NFKC-normalized, as AbstractBaseUser.normalize_username does', () => {
      expect(normalizeUsername('e\u0301')).toBe('é');
      expect(normalizeUsername('ﬁle')).toBe('file');
      expect(usernameErrors(normalizeUsername('e\u0301'))).toEqual([]);
    });
  });

  describe('email', () => {
    it.each<[string, string[]]>([
      ['', []],
      ['a@b.co', []],
      ['a@localhost', []],
      ['user@[127.0.0.1]', []],
      ['user@[::1]', []],
      ['"quoted"@example.com', []],
      ['"a\\"b"@example.com', []],
      ['a@EXAMPLE.COM', []],
      ['a@exämple.com', []],
      ['a@例え.テスト', []],
      ['ſ@example.com', []],
      ['ı@example.com', []],
      ['a@' + 'x'.repeat(63) + '.com', []],
      ['notanemail', [INVALID_EMAIL]],
      ['a@b', [INVALID_EMAIL]],
      ['a@b.c', [INVALID_EMAIL]],
      ['user@[1.2.3]', [INVALID_EMAIL]],
      ['user@[127.0.0.01]', [INVALID_EMAIL]],
      ['a..b@example.com', [INVALID_EMAIL]],
      ['.a@example.com', [INVALID_EMAIL]],
      ['a@-example.com', [INVALID_EMAIL]],
      ['a@example.com.', [INVALID_EMAIL]],
      ['a@' + 'x'.repeat(64) + '.com', [INVALID_EMAIL]],
      ['ü@example.com', [INVALID_EMAIL]],
      ['a b@example.com', [INVALID_EMAIL]],
      ['"quoted user"@example.com', [INVALID_EMAIL]],
      ['a@example.com\n', [INVALID_EMAIL]],
      ['a@b_c.com', [INVALID_EMAIL]],
      ['@example.com', [INVALID_EMAIL]],
      ['a@', [INVALID_EMAIL]],
      ['x'.repeat(250) + '@example.com', ['Ensure this value has at most 254 characters (it has 262).']],
      ['x'.repeat(320) + '@e.com', [INVALID_EMAIL, 'Ensure this value has at most 254 characters (it has 326).']],
    ])('%j', (email, errors) => {
      expect(emailErrors(email)).toEqual(errors);
    });

    it('is stored with its domain lowercased, as UserManager.normalize_email does', () => {
      expect(normalizeEmail('Ann@Example.COM')).toBe('Ann@example.com');
      expect(normalizeEmail('a@b@EXAMPLE.com')).toBe('a@b@example.com');
      expect(normalizeEmail('')).toBe('');
    });
  });
});
