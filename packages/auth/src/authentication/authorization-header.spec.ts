import { describe, expect, it } from '@jest/globals';
import { AuthenticationFailed } from '../errors/exceptions.js';
import { rawTokenFrom } from './authorization-header.js';

const read = (value: string | string[] | undefined, distinct?: string[]) =>
  rawTokenFrom({ headers: { authorization: value }, raw: { headersDistinct: { authorization: distinct } } }, 'authorization', ['Bearer', 'JWT']);

describe("rawTokenFrom (SimpleJWT's get_raw_token)", () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['JWT abc', 'abc'],
    ['Bearer  abc', 'abc'],
    ['Bearer\tabc', 'abc'],
    ['  Bearer abc  ', 'abc'],
  ])('reads %p', (header, token) => {
    expect(read(header)).toBe(token);
  });

  it.each([[undefined], [''], ['   '], ['bearer abc'], ['Basic abc'], ['Token abc']])('treats %p as no credentials', (header) => {
    expect(read(header)).toBeNull();
  });

  it.each([['Bearer'], ['Bearer a b'], ['JWT a b c']])('refuses %p as bad_authorization_header', (header) => {
    expect(() => read(header)).toThrow(AuthenticationFailed);
    try {
      read(header);
    } catch (error) {
      expect((error as AuthenticationFailed).body).toEqual({
        detail: 'Authorization header must contain two space-delimited values',
        code: 'bad_authorization_header',
      });
    }
  });

  it.each([
    ['a no-break space after Bearer', 'Bearer\u00a0abc'],
    ['an em space after Bearer', 'Bearer\u2003abc'],
    ['an ideographic space after Bearer', 'Bearer\u3000abc'],
    ['a byte-order mark after Bearer', 'Bearer\ufeffabc'],
    ['a no-break space after the token', 'Bearer abc\u00a0'],
    ['two no-break spaces between the parts', 'Bearer\u00a0\u00a0abc'],
    ['UTF-8 bytes read as Latin-1 (what Node hands over)', 'Bearer\u00e2\u0080\u0083abc'],
  ])('refuses %s as bad_authorization_header (HTTP splits on space and tab only)', (_case, header) => {
    expect(() => read(header)).toThrow(AuthenticationFailed);
  });

  it('leaves a non-ASCII header of another scheme alone (no credentials of ours)', () => {
    expect(read('Basic\u00a0abc')).toBeNull();
  });

  it('refuses the header sent twice', () => {
    expect(() => read('Bearer a', ['Bearer a', 'Bearer b'])).toThrow(AuthenticationFailed);
  });
});
