import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { headerName, parseDuration, resolveSettings, SettingsError } from './auth.settings.js';

describe('parseDuration', () => {
  it.each([
    [900, 900],
    ['900', 900],
    ['90s', 90],
    ['15m', 900],
    ['12h', 43200],
    ['7d', 604800],
    [' 1.5m ', 90],
    [0, 0],
  ])('reads %p as %p seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each([['abc'], ['15x'], ['-5'], [''], [-1], [Number.NaN], [Infinity]])('refuses %p, naming the setting', (input) => {
    expect(() => parseDuration(input, 'LEEWAY')).toThrow(SettingsError);
    expect(() => parseDuration(input, 'LEEWAY')).toThrow(/^LEEWAY: /);
  });
});

describe('headerName', () => {
  it('turns Django META names and plain names into lower-case header names', () => {
    expect(headerName('HTTP_AUTHORIZATION')).toBe('authorization');
    expect(headerName('HTTP_X_ACCESS_TOKEN')).toBe('x-access-token');
    expect(headerName('X-Token')).toBe('x-token');
  });
  it('refuses something that is not a header name', () => {
    expect(() => headerName('X Token')).toThrow('AUTH_HEADER_NAME');
  });
});

describe('resolveSettings', () => {
  it('fills in the SimpleJWT defaults and makes the key a KeyObject once', () => {
    const s = resolveSettings({ SIGNING_KEY: 'secret' });
    expect(s.ACCESS_TOKEN_LIFETIME).toBe(900);
    expect(s.REFRESH_TOKEN_LIFETIME).toBe(604800);
    expect(s.ROTATE_REFRESH_TOKENS).toBe(true);
    expect(s.BLACKLIST_AFTER_ROTATION).toBe(true);
    expect(s.AUTH_HEADER_NAME).toBe('authorization');
    expect(s.AUTH_HEADER_TYPES).toEqual(['Bearer']);
    expect(s.SIGNING_KEY).toBeInstanceOf(KeyObject);
    expect(s.SIGNING_KEY.type).toBe('secret');
    expect(s.VERIFYING_KEY).toBe(s.SIGNING_KEY);
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('derives the public key from a PEM private key for RS256', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const s = resolveSettings({ SIGNING_KEY: pem, ALGORITHM: 'RS256' });
    expect(s.SIGNING_KEY.type).toBe('private');
    expect(s.VERIFYING_KEY.type).toBe('public');
  });

  it('reads a PEM given with literal \\n escapes, as environment files carry it', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().replace(/\n/g, '\\n');
    expect(resolveSettings({ SIGNING_KEY: pem, ALGORITHM: 'ES256' }).VERIFYING_KEY.type).toBe('public');
  });

  it.each([
    [{ SIGNING_KEY: '' }, 'SIGNING_KEY: is required'],
    [{ SIGNING_KEY: 'x', ALGORITHM: 'HS999' as never }, 'ALGORITHM'],
    [{ SIGNING_KEY: 'not a pem', ALGORITHM: 'RS256' as const }, 'SIGNING_KEY: RS256 needs a PEM private key'],
    [{ SIGNING_KEY: 'x', ACCESS_TOKEN_LIFETIME: 'soon' }, 'ACCESS_TOKEN_LIFETIME'],
    [{ SIGNING_KEY: 'x', AUTH_HEADER_TYPES: [] }, 'AUTH_HEADER_TYPES'],
    [{ SIGNING_KEY: 'x', AUTH_HEADER_TYPES: ['Bearer token'] }, 'AUTH_HEADER_TYPES'],
    [{ SIGNING_KEY: 'x', AUTH_TOKEN_CLASSES: ['RefreshToken' as never] }, 'AUTH_TOKEN_CLASSES'],
    [{ SIGNING_KEY: 'x', ROTATE_REFRESH_TOKENS: 'yes' as never }, 'ROTATE_REFRESH_TOKENS'],
    [{ SIGNING_KEY: 'x', USER_ID_CLAIM: ' ' }, 'USER_ID_CLAIM'],
    [{ SIGNING_KEY: 'x', LOGIN_FAILURE_LIMIT: -1 }, 'LOGIN_FAILURE_LIMIT: expected a whole number from 0 (off) to 10000'],
    [{ SIGNING_KEY: 'x', LOGIN_FAILURE_LIMIT: 2.5 }, 'LOGIN_FAILURE_LIMIT: expected a whole number from 0 (off) to 10000'],
    [{ SIGNING_KEY: 'x', LOGIN_FAILURE_LIMIT_PER_ADDRESS: 10_001 }, 'LOGIN_FAILURE_LIMIT_PER_ADDRESS: expected a whole number from 0 (off) to 10000'],
    [{ SIGNING_KEY: 'x', LOGIN_FAILURE_WINDOW: 0 }, 'LOGIN_FAILURE_WINDOW: must be more than 0'],
    [{ SIGNING_KEY: 'x', LOGIN_COOLOFF: '0s' }, 'LOGIN_COOLOFF: must be more than 0'],
  ])('refuses %p', (options, message) => {
    expect(() => resolveSettings(options)).toThrow(message);
  });

  it('locks logins after 10 failures per pair and 100 per address within 15 minutes, for 15 minutes, by default; 0 turns a limit off', () => {
    const s = resolveSettings({ SIGNING_KEY: 'x' });
    expect([s.LOGIN_FAILURE_LIMIT, s.LOGIN_FAILURE_LIMIT_PER_ADDRESS, s.LOGIN_FAILURE_WINDOW, s.LOGIN_COOLOFF]).toEqual([10, 100, 900, 900]);
    const off = resolveSettings({ SIGNING_KEY: 'x', LOGIN_FAILURE_LIMIT: 0, LOGIN_FAILURE_LIMIT_PER_ADDRESS: 0, LOGIN_COOLOFF: '1h' });
    expect([off.LOGIN_FAILURE_LIMIT, off.LOGIN_FAILURE_LIMIT_PER_ADDRESS, off.LOGIN_COOLOFF]).toEqual([0, 0, 3600]);
  });
});
