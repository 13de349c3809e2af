import { describe, expect, it } from '@jest/globals';
import { SettingsError } from '../auth.settings.js';
import { appendSetCookie, readCookie, serializeCookie } from './cookie-header.js';
import { isTrustedOrigin, resolveCookieSettings, trustedOrigin } from './cookie-settings.js';
import { tokenMatches } from './csrf-protection.service.js';

const withCookie = (cookie: string | string[] | undefined) => ({ headers: { cookie } });
const SECRET = 'abcdefghijklmnopqrstuvwxyzABCDEF';

describe('readCookie', () => {
  it.each<[string, string | string[] | undefined, string | null]>([
    ['a plain pair', 'csrftoken=abc', 'abc'],
    ['among others, with spaces', 'a=1;  csrftoken=abc ; b=2', 'abc'],
    ['no such cookie', 'a=1; b=2', null],
    ['no header', undefined, null],
    ['a name that only ends like it', 'xcsrftoken=abc', null],
    ['the first of repeated names (the longest path)', 'csrftoken=first; csrftoken=second', 'first'],
    ['a quoted value', 'csrftoken="abc"', 'abc'],
    ['%-escapes', 'csrftoken=a%20b', 'a b'],
    ['a broken %-escape, as it came', 'csrftoken=a%zz', 'a%zz'],
    ['an empty value', 'csrftoken=', ''],
    ['a value with = in it', 'csrftoken=a=b', 'a=b'],
    ['two Cookie headers', ['a=1', 'csrftoken=abc'], 'abc'],
    ['a pair without =', 'junk; csrftoken=abc', 'abc'],
  ])('%s', (_case, header, value) => {
    expect(readCookie(withCookie(header), 'csrftoken')).toBe(value);
  });
});

describe('serializeCookie', () => {
  const attributes = { path: '/api/token', domain: null, secure: false, httpOnly: true, sameSite: 'Lax' } as const;

  it("writes Django's attributes: Expires and Max-Age, Path, HttpOnly, SameSite", () => {
    expect(serializeCookie('refresh', 'x.y.z', attributes, 60, Date.UTC(2030, 0, 1))).toBe(
      'refresh=x.y.z; Expires=Tue, 01 Jan 2030 00:01:00 GMT; Max-Age=60; Path=/api/token; HttpOnly; SameSite=Lax',
    );
  });

  it('deletes with Max-Age=0 and an Expires in 1970, keeping Domain and Secure', () => {
    expect(serializeCookie('__Secure-a', '', { ...attributes, path: '/', domain: '.example.com', secure: true, httpOnly: false, sameSite: 'None' }, 0)).toBe(
      '__Secure-a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Domain=.example.com; Secure; SameSite=None',
    );
  });
});

describe('appendSetCookie', () => {
  it('keeps the cookies already set on a Node response', () => {
    const headers: Record<string, unknown> = {};
    const res = { getHeader: (n: string) => headers[n] as string[] | undefined, setHeader: (n: string, v: unknown) => void (headers[n] = v) };
    appendSetCookie(res, 'a=1');
    appendSetCookie(res, 'b=2');
    expect(headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });
});

describe('tokenMatches (Django _does_token_match)', () => {
  // Django's _mask_cipher_secret(SECRET) with the mask 'A' * 32: each char moved by CHARS.index('A') = 26.
  const masked = 'A'.repeat(32) + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

  it('accepts the secret itself and the secret masked as Django masks it', () => {
    expect(tokenMatches(SECRET, SECRET)).toBe(true);
    expect(tokenMatches(masked, SECRET)).toBe(true);
  });

  it.each([
    ['another secret', 'bbcdefghijklmnopqrstuvwxyzABCDEF'],
    ['a wrong length', SECRET.slice(1)],
    ['characters Django never uses', SECRET.slice(0, 31) + '-'],
    ['nothing', ''],
  ])('refuses %s', (_case, token) => {
    expect(tokenMatches(token, SECRET)).toBe(false);
  });
});

describe('resolveCookieSettings', () => {
  it('is off by default, with csrftoken and X-CSRFToken', () => {
    const s = resolveCookieSettings({});
    expect([s.enabled, s.access, s.refresh, s.csrf.name, s.csrfHeader, s.refreshOnlyInCookie]).toEqual([false, null, null, 'csrftoken', 'x-csrftoken', false]);
  });

  it("gives __Host- cookies Secure and Path=/ and __Secure- ones Secure, whatever JWT_AUTH_SECURE says", () => {
    const s = resolveCookieSettings({ JWT_AUTH_COOKIE: '__Host-access', JWT_AUTH_REFRESH_COOKIE: '__Secure-refresh' });
    expect(s.access?.attributes).toEqual({ path: '/', domain: null, secure: true, httpOnly: true, sameSite: 'Lax' });
    expect(s.refresh?.attributes).toEqual({ path: null, domain: null, secure: true, httpOnly: true, sameSite: 'Lax' });
    expect(resolveCookieSettings({ JWT_AUTH_REFRESH_COOKIE: '__Host-refresh' }).refresh?.attributes.path).toBe('/');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['SameSite None without Secure', { JWT_AUTH_COOKIE: 'a', JWT_AUTH_SAMESITE: 'None' }, 'JWT_AUTH_SAMESITE: None needs JWT_AUTH_SECURE=true (browsers drop SameSite=None cookies without Secure)'],
    ['an unknown SameSite', { JWT_AUTH_SAMESITE: 'lax' }, 'JWT_AUTH_SAMESITE: expected one of Lax, Strict, None, got "lax"'],
    ['a cookie name with a space', { JWT_AUTH_COOKIE: 'my cookie' }, 'JWT_AUTH_COOKIE: not a cookie name: "my cookie"'],
    ['a __Host- cookie with a Domain', { JWT_AUTH_COOKIE: '__Host-a', JWT_AUTH_COOKIE_DOMAIN: '.example.com' }, 'JWT_AUTH_COOKIE_DOMAIN: a __Host- cookie (JWT_AUTH_COOKIE) may not have a Domain'],
    ['a __Host- refresh cookie on a path', { JWT_AUTH_REFRESH_COOKIE: '__Host-r', JWT_AUTH_REFRESH_COOKIE_PATH: '/api/token' }, 'JWT_AUTH_REFRESH_COOKIE_PATH: a __Host- cookie (JWT_AUTH_REFRESH_COOKIE) must have Path=/'],
    ['a relative path', { JWT_AUTH_REFRESH_COOKIE_PATH: 'api' }, 'JWT_AUTH_REFRESH_COOKIE_PATH: expected a path starting with /, got "api"'],
    ['one name twice', { JWT_AUTH_COOKIE: 'jwt', JWT_AUTH_REFRESH_COOKIE: 'jwt' }, 'JWT_AUTH_REFRESH_COOKIE: JWT_AUTH_COOKIE, JWT_AUTH_REFRESH_COOKIE and CSRF_COOKIE_NAME must differ'],
    ['no CSRF cookie', { CSRF_COOKIE_NAME: '' }, 'CSRF_COOKIE_NAME: may not be empty'],
    ['a bad CSRF header', { CSRF_HEADER_NAME: 'X CSRF' }, 'CSRF_HEADER_NAME: not a header name: "X CSRF"'],
    ['a trusted origin without a scheme', { CSRF_TRUSTED_ORIGINS: ['app.example.com'] }, 'CSRF_TRUSTED_ORIGINS: expected scheme://host[:port] (e.g. https://app.example.com or https://*.example.com), got "app.example.com"'],
    ['a domain with a slash', { JWT_AUTH_COOKIE_DOMAIN: 'example.com/' }, 'JWT_AUTH_COOKIE_DOMAIN: not a domain: "example.com/"'],
  ])('refuses %s, naming the setting', (_case, options, message) => {
    expect(() => resolveCookieSettings(options)).toThrow(SettingsError);
    expect(() => resolveCookieSettings(options)).toThrow(message);
  });
});

describe('trusted origins, as Django matches CSRF_TRUSTED_ORIGINS', () => {
  const trusted = ['https://app.example.com', 'https://*.example.org', 'http://127.0.0.1:5173'].map(trustedOrigin);

  it.each<[string, boolean]>([
    ['https://app.example.com', true],
    ['http://app.example.com', false],
    ['https://app.example.com:8443', false],
    ['https://evil.example', false],
    ['https://a.b.example.org', true],
    ['https://example.org', true],
    ['https://notexample.org', false],
    ['http://127.0.0.1:5173', true],
    ['http://127.0.0.1:5174', false],
    ['null', false],
  ])('%s: %s', (origin, expected) => {
    expect(isTrustedOrigin(origin, trusted)).toBe(expected);
  });
});
