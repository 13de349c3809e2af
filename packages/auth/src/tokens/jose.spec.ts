import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import jsonwebtoken from 'jsonwebtoken';
import type { AuthModuleOptions } from '../auth.options.js';
import { resolveSettings } from '../auth.settings.js';
import { TokenError } from './token-error.js';
import { TokenService } from './token.service.js';

const SECRET = 'parity-test-secret-of-sufficient-length-0123456789';
const now = Math.floor(Date.now() / 1000);

function service(options: Partial<AuthModuleOptions> & { SIGNING_KEY: AuthModuleOptions['SIGNING_KEY'] }) {
  const settings = resolveSettings(options);
  return { settings, tokens: new TokenService(settings, new JwtService({})) };
}

/** jsonwebtoken's verdict with the same settings: 'ok', 'expired' or 'invalid'. */
function reference(token: string, s: ReturnType<typeof service>['settings']): string {
  try {
    jsonwebtoken.verify(token, s.VERIFYING_KEY, {
      algorithms: [s.ALGORITHM as jsonwebtoken.Algorithm],
      clockTolerance: s.LEEWAY,
      audience: s.AUDIENCE || undefined,
      issuer: s.ISSUER || undefined,
    });
    return 'ok';
  } catch (error) {
    return error instanceof jsonwebtoken.TokenExpiredError ? 'expired' : 'invalid';
  }
}

function ours(token: string, tokens: TokenService): string {
  try {
    tokens.verifySignature(token);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(TokenError);
    return (error as TokenError).message === 'Token is expired' ? 'expired' : 'invalid';
  }
}

function hs256(claims: object, header: object = { alg: 'HS256', typ: 'JWT' }, key = SECRET): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

describe('TokenService.verifySignature agrees with jsonwebtoken', () => {
  const cases: [string, string][] = [
    ['valid', hs256({ exp: now + 60 })],
    ['no exp', hs256({ sub: 1 })],
    ['expired', hs256({ exp: now - 1 })],
    ['expired by 5 s', hs256({ exp: now - 5 })],
    ['exp a string', hs256({ exp: String(now + 60) })],
    ['nbf in the future', hs256({ exp: now + 60, nbf: now + 30 })],
    ['nbf a string', hs256({ exp: now + 60, nbf: 'soon' })],
    ['nbf future and expired', hs256({ exp: now - 10, nbf: now + 30 })],
    ['another key', hs256({ exp: now + 60 }, undefined, 'another secret of sufficient length, too')],
    ['alg none', `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`],
    ['alg HS512 header on an HS256 signature', hs256({ exp: now + 60 }, { alg: 'HS512' })],
    ['aud and iss present', hs256({ exp: now + 60, aud: 'api', iss: 'me' })],
    ['aud a list', hs256({ exp: now + 60, aud: ['other', 'api'], iss: 'me' })],
    ['wrong aud', hs256({ exp: now + 60, aud: 'other', iss: 'me' })],
    ['wrong iss', hs256({ exp: now + 60, aud: 'api', iss: 'you' })],
    ['garbage', 'a.b.c'],
  ];

  // Where ours is stricter on purpose: an aud or iss this server does not expect is refused.
  const stricter = new Set(['aud and iss present', 'aud a list', 'wrong aud', 'wrong iss']);
  for (const [label, settings] of [
    ['defaults', { SIGNING_KEY: SECRET }],
    ['LEEWAY 30', { SIGNING_KEY: SECRET, LEEWAY: 30 }],
    ['AUDIENCE and ISSUER', { SIGNING_KEY: SECRET, AUDIENCE: 'api', ISSUER: 'me' }],
  ] as const) {
    const { settings: s, tokens } = service(settings);
    it.each(cases)(`${label}: %s`, (name, token) => {
      if (!s.AUDIENCE && stricter.has(name) && reference(token, s) === 'ok') expect(ours(token, tokens)).toBe('invalid');
      else expect(ours(token, tokens)).toBe(reference(token, s));
    });
  }

  it('a payload that is not an object: jsonwebtoken passes it to the claim checks, which refuse it; ours refuses it at once', () => {
    const { settings: s, tokens } = service({ SIGNING_KEY: SECRET });
    const token = hs256('just a string' as unknown as object);
    expect(reference(token, s)).toBe('ok');
    expect(() => tokens.checkClaims(jsonwebtoken.verify(token, s.VERIFYING_KEY), 'access')).toThrow('Token is invalid');
    expect(() => tokens.verify(token, 'access')).toThrow('Token is invalid');
  });

  it.each([
    ['RS256', generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['PS256', generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' })],
  ] as const)('%s: tokens it signs verify both ways, a stranger key fails both ways', (alg, pair) => {
    const { settings: s, tokens } = service({ ALGORITHM: alg, SIGNING_KEY: pair.privateKey });
    const minted = tokens.mint('access', {}, 60).token;
    expect([ours(minted, tokens), reference(minted, s)]).toEqual(['ok', 'ok']);
    const stranger = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = jsonwebtoken.sign({ exp: now + 60 }, stranger.privateKey, { algorithm: alg });
    expect([ours(forged, tokens), reference(forged, s)]).toEqual(['invalid', 'invalid']);
  });
});
