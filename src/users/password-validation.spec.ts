import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  commonPassword,
  isBlankPassword,
  minimumLength,
  numericPassword,
  userAttributeSimilarity,
  validatePassword,
  type PasswordUser,
} from './password-validation.js';

const SHORT = 'This password is too short. It must contain at least 8 characters.';
const COMMON = 'This password is too common.';
const NUMERIC = 'This password is entirely numeric.';
const similar = (name: string) => `The password is too similar to the ${name}.`;

/**
 * Django's default AUTH_PASSWORD_VALIDATORS. The expected messages are what Django 3.2.25's
 * validate_password answers for the same password and User; the cases marked "Django's test"
 * come from django/tests/auth_tests/test_validators.py.
 */
describe('password validation (Django defaults)', () => {
  describe('validatePassword: every validator, in Django order', () => {
    it.each<[string, PasswordUser | undefined, string[]]>([
      ['alice123', { username: 'alice' }, [similar('username'), COMMON]],
      ['password', undefined, [COMMON]],
      ['12345678', undefined, [COMMON, NUMERIC]],
      ['a', undefined, [SHORT, COMMON]],
      ['', undefined, [SHORT]],
      ['   ', undefined, [SHORT]],
      ['PASSWORD', undefined, [COMMON]],
      [' Password ', undefined, [COMMON]],
      ['correct horse battery', { username: 'horse' }, []],
      ['Kx9!vLq2#', { username: 'admin', email: 'admin@example.com' }, []],
      // Parts of the email (split on non-word characters) are compared as well as the whole.
      ['example.com', { email: 'x@example.com' }, [similar('email address')]],
      ['johnsmith99', { username: 'js', firstName: 'John', lastName: 'Smith', email: 'john.smith@example.com' }, []],
      // An empty part of 'alice@' (after the '@') makes even an empty password "similar".
      ['', { username: 'alice@' }, [similar('username'), SHORT]],
      // Python's isdigit: any script's digits, superscripts, circled digits.
      ['١٢٣٤٥٦٧٨٩', undefined, [NUMERIC]],
      ['²³¹⁰⁴⁵⁶⁷', undefined, [NUMERIC]],
      ['①②③④⑤⑥⑦⑧', undefined, [NUMERIC]],
      // Lengths in code points, as Python counts them.
      ['😀😀😀😀😀😀😀', undefined, [SHORT]],
      ['😀😀😀😀😀😀😀😀', { username: '😀' }, []],
    ])('%j for %j', (password, user, messages) => {
      expect(validatePassword(password, user)).toEqual(messages);
    });
  });

  describe('UserAttributeSimilarityValidator', () => {
    // Django's test: User(username='testclient', email='testclient@example.com', first_name='Test', last_name='Client')
    const testclient: PasswordUser = { username: 'testclient', email: 'testclient@example.com', firstName: 'Test', lastName: 'Client' };

    it("passes without a user, and refuses the username and the email's domain (Django's test)", () => {
      expect(userAttributeSimilarity()('testclient')).toBeNull();
      expect(userAttributeSimilarity()('testclient', testclient)).toBe(similar('username'));
      expect(userAttributeSimilarity()('example.com', testclient)).toBe(similar('email address'));
    });

    it("honours the attributes and max_similarity it is given (Django's test)", () => {
      expect(userAttributeSimilarity(0.3, ['firstName'])('testclient', testclient)).toBe(similar('first name'));
      // max_similarity=1 still refuses the attribute itself.
      expect(userAttributeSimilarity(1, ['firstName'])('Test', testclient)).toBe(similar('first name'));
      expect(userAttributeSimilarity(0.7, ['firstName'])('testclient', testclient)).toBeNull();
      expect(() => userAttributeSimilarity(0.09)).toThrow('max_similarity must be at least 0.1');
    });

    it('measures with quick_ratio, as Django does: an anagram of the username is refused', () => {
      // SequenceMatcher('password', 'drowssap'): ratio() 0.25, quick_ratio() 1.0.
      expect(userAttributeSimilarity()('password', { username: 'drowssap' })).toBe(similar('username'));
    });

    it('compares lowercased, with each part of the value and the whole', () => {
      expect(userAttributeSimilarity()('Jones!23', { lastName: 'Smith-Jones' })).toBe(similar('last name'));
      expect(userAttributeSimilarity()('Jones!23', { lastName: 'Smithjones' })).toBeNull();
      expect(userAttributeSimilarity()('Mary-Jane!', { username: 'u', lastName: 'mary-jane' })).toBe(similar('last name'));
    });

    it('skips values far shorter than the password (exceeds_maximum_length_ratio)', () => {
      expect(userAttributeSimilarity()('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', { username: 'aaaa' })).toBeNull();
      expect(userAttributeSimilarity()('aaaaaaaaaaa', { username: 'a' })).toBeNull();
    });
  });

  describe('MinimumLengthValidator', () => {
    it("counts characters (Django's test)", () => {
      expect(minimumLength()('12345678')).toBeNull();
      expect(minimumLength(3)('123')).toBeNull();
      expect(minimumLength()('1234567')).toBe(SHORT);
      expect(minimumLength(3)('12')).toBe('This password is too short. It must contain at least 3 characters.');
      expect(minimumLength(1)('')).toBe('This password is too short. It must contain at least 1 character.');
    });
  });

  describe('CommonPasswordValidator', () => {
    it("refuses Django's common passwords, case and surrounding space ignored (Django's test)", () => {
      expect(commonPassword()('a-safe-password')).toBeNull();
      expect(commonPassword()('godzilla')).toBe(COMMON);
      expect(commonPassword()(' GodZilla\t')).toBe(COMMON);
    });

    it("uses Django's own list, unchanged: 19,727 lowercased entries", () => {
      const list = gunzipSync(readFileSync(new URL('./common-passwords.txt.gz', import.meta.url))).toString('utf8').trim().split('\n');
      expect(list).toHaveLength(19727);
      expect(list.filter((password) => password !== password.toLowerCase())).toEqual([]);
      expect(list.slice(0, 3)).toEqual(['bigpimpin1', 'mewtwo', 'sandy123']);
    });
  });

  describe('NumericPasswordValidator', () => {
    it("refuses digits only (Django's test)", () => {
      expect(numericPassword()('a-safe-password')).toBeNull();
      expect(numericPassword()('42424242')).toBe(NUMERIC);
      expect(numericPassword()('')).toBeNull();
      expect(numericPassword()('4242 4242')).toBeNull();
    });
  });

  describe('blank passwords (createsuperuser)', () => {
    it("are empty or whitespace only, Python's whitespace", () => {
      for (const blank of ['', ' ', '\t\n', '\u3000', '\x1c']) expect(isBlankPassword(blank)).toBe(true);
      for (const password of ['a', ' a ', '\u200b']) expect(isBlankPassword(password)).toBe(false);
    });
  });
});
