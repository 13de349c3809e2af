import { describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { resolveSettings } from '../auth.settings.js';
import { TokenError } from './token-error.js';
import { isWellFormed, newJti, TokenService } from './token.service.js';

const settings = resolveSettings({ SIGNING_KEY: 'unit-test-key-long-enough-for-hs256-0123' });
const jwt = new JwtService({ secret: settings.SIGNING_KEY, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } });
const tokens = new TokenService(settings, jwt);

describe('TokenService', () => {
  it('mints claims in SimpleJWT order and verifies them back', () => {
    const minted = tokens.mint('refresh', { user_id: 7, scope: 'x', exp: 1, jti: 'mine' }, 60);
    expect(Object.keys(minted.payload)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id', 'scope']);
    expect(minted.payload.exp).toBe(minted.iat + 60);
    expect(minted.jti).toMatch(/^[0-9a-f]{32}$/);
    expect(tokens.verify(minted.token, 'refresh')).toEqual(minted.payload);
  });

  it('says "Token has wrong type" for another type, and accepts any type when asked for none', () => {
    const access = tokens.mint('access', {}, 60).token;
    expect(() => tokens.verify(access, 'refresh')).toThrow(new TokenError('Token has wrong type'));
    expect(tokens.verify(access, null).token_type).toBe('access');
  });

  it('says "Token is expired" for an expired token', () => {
    const expired = tokens.mint('access', {}, 0).token;
    expect(() => tokens.verify(expired, 'access')).toThrow(new TokenError('Token is expired'));
  });

  it('checks the claims passport-jwt leaves to it', () => {
    const now = tokens.now();
    const base = { token_type: 'access', exp: now + 60, iat: now, jti: newJti() };
    expect(() => tokens.checkClaims([], 'access')).toThrow('Token is invalid');
    expect(() => tokens.checkClaims({ ...base, iat: now + 10 }, 'access')).toThrow('Token is invalid');
    expect(() => tokens.checkClaims({ ...base, iat: 'now' }, 'access')).toThrow('Token is invalid');
    expect(() => tokens.checkClaims({ ...base, exp: undefined }, 'access')).toThrow("Token has no 'exp' claim");
    expect(() => tokens.checkClaims({ ...base, jti: undefined }, 'access')).toThrow('Token has no id');
    expect(() => tokens.checkClaims({ ...base, jti: '' }, 'access')).toThrow('Token is invalid');
    expect(() => tokens.checkClaims({ ...base, jti: 'x'.repeat(256) }, 'access')).toThrow('Token is invalid');
    expect(() => tokens.checkClaims({ ...base, token_type: undefined }, 'access')).toThrow('Token has no type');
    expect(tokens.checkClaims(base, 'access')).toBe(base);
  });

  it('copies every claim but type, exp, iat, jti and refresh_exp into a token made from another', () => {
    expect(tokens.copyableClaims({ token_type: 'refresh', exp: 1, iat: 1, jti: 'j', nbf: 1, refresh_exp: 2, user_id: 3, role: 'r' })).toEqual({ user_id: 3, role: 'r' });
  });
});

describe('isWellFormed', () => {
  const good = tokens.mint('access', {}, 60).token;
  it('accepts a token this service made', () => {
    expect(isWellFormed(good)).toBe(true);
  });
  it.each([
    ['two segments', 'a.b'],
    ['four segments', `${good}.x`],
    ['padding', `${good}=`],
    ['standard base64 characters', good.replace(/.$/, '+')],
    ['whitespace', ` ${good}`],
    ['an empty segment', `${good.split('.')[0]}..${good.split('.')[2]}`],
    ['an oversized token', `${good}${'A'.repeat(9000)}`],
  ])('refuses %s', (_case, token) => {
    expect(isWellFormed(token)).toBe(false);
  });
  it('refuses a segment with non-zero padding bits (decodes the same, is not canonical)', () => {
    const [h, p, s] = good.split('.');
    // A 43-character HS256 signature has two spare bits in its last character.
    const last = s[s.length - 1];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const other = alphabet[alphabet.indexOf(last) ^ 1];
    expect(Buffer.from(s.slice(0, -1) + other, 'base64url')).toEqual(Buffer.from(s, 'base64url'));
    expect(isWellFormed(`${h}.${p}.${s.slice(0, -1)}${other}`)).toBe(false);
  });
});

describe('newJti', () => {
  it('answers distinct random UUID4s as 32 hex digits, across refills of its pool', () => {
    const jtis = Array.from({ length: 1000 }, () => newJti());
    for (const jti of jtis) expect(jti).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    expect(new Set(jtis).size).toBe(1000);
  });
});
