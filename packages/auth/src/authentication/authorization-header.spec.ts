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

  it('refuses the header sent twice', () => {
    expect(() => read('Bearer a', ['Bearer a', 'Bearer b'])).toThrow(AuthenticationFailed);
  });
});
