import { describe, expect, it } from '@jest/globals';
import { isStrict, parseStrictJson } from './strict-json.js';

const parse = (text: string | number[]) => parseStrictJson(typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text));

describe('parseStrictJson', () => {
  it.each([
    ['an object', '{"a":1,"b":[1,2,{"c":"d"}]}', { a: 1, b: [1, 2, { c: 'd' }] }],
    ['the same name in sibling objects', '{"a":{"x":1},"b":{"x":2}}', { a: { x: 1 }, b: { x: 2 } }],
    ['the same name in objects inside an array', '[{"x":1},{"x":2}]', [{ x: 1 }, { x: 2 }]],
    ['a name again after a nested object closes', '{"a":{"b":1},"b":2}', { a: { b: 1 }, b: 2 }],
    ['escaped quotes and backslashes in names', '{"a\\"b":1,"a\\\\b":2}', { 'a"b': 1, 'a\\b': 2 }],
    ['a surrogate pair', '{"e":"\\ud83d\\ude00"}', { e: '😀' }],
    ['raw multibyte UTF-8', '{"e":"é中😀"}', { e: 'é中😀' }],
    ['strings that look like structure', '{"a":"{\\"a\\":1,","b":"]"}', { a: '{"a":1,', b: ']' }],
    ['an empty object then a member', '{"a":{},"b":1}', { a: {}, b: 1 }],
    ['scalars', '"x"', 'x'],
  ])('reads %s', (_case, text, value) => {
    expect(parse(text)).toEqual(value);
  });

  it.each([
    ['a duplicate member', '{"a":1,"a":2}'],
    ['a duplicate after an escape', '{"a":1,"\\u0061":2}'],
    ['a duplicate in a nested object', '{"o":{"a":1,"b":2,"a":3}}'],
    ['a duplicate in an object inside an array', '[{"a":1,"a":1}]'],
    ['a duplicate after a nested empty object', '{"a":{},"a":1}'],
    ['a lone high surrogate', '{"e":"\\ud800"}'],
    ['a lone low surrogate', '{"e":"\\udfff"}'],
    ['a lone surrogate in a name', '{"\\ud800":1}'],
    ['reversed surrogates', '{"e":"\\ude00\\ud83d"}'],
    ['bad JSON', '{"a":1,}'],
    ['a byte-order mark', '\ufeff{}'],
    ['nothing', ''],
  ])('refuses %s', (_case, text) => {
    expect(parse(text)).toBeUndefined();
  });

  it.each([
    ['0xFF', [0x22, 0xff, 0x22]],
    ['an overlong "/"', [0x22, 0xc0, 0xaf, 0x22]],
    ['a truncated sequence', [0x22, 0xe2, 0x82, 0x22]],
    ['an encoded surrogate (CESU-8)', [0x22, 0xed, 0xa0, 0x80, 0x22]],
    ['a code point above U+10FFFF', [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22]],
  ])('refuses invalid UTF-8: %s', (_case, bytes) => {
    expect(parse(bytes)).toBeUndefined();
  });

  it('finds the one duplicate among ten thousand members, and none where there is none', () => {
    const members = Array.from({ length: 10000 }, (_, i) => `"m${i}":${i}`);
    expect(isStrict(`{${members.join(',')}}`)).toBe(true);
    expect(isStrict(`{${members.join(',')},"m0":0}`)).toBe(false);
  });
});
