import { describe, expect, it } from '@jest/globals';
import { SequenceMatcher } from './sequence-matcher.js';

/** Every expected value here is what CPython 3.11's difflib.SequenceMatcher(None, a, b) answers. */
describe('SequenceMatcher (difflib)', () => {
  const blocks = (a: string, b: string) => new SequenceMatcher(a, b).getMatchingBlocks().map(({ a, b, size }) => [a, b, size]);

  it.each([
    // a, b, ratio(), quick_ratio(), get_matching_blocks()
    ['abxcd', 'abcd', 0.8888888888888888, 0.8888888888888888, [[0, 0, 2], [3, 2, 2], [5, 4, 0]]],
    ['abcd', 'dcba', 0.25, 1.0, [[0, 3, 1], [4, 4, 0]]],
    ['password', 'drowssap', 0.25, 1.0, [[2, 4, 2], [8, 8, 0]]],
    ['alice123', 'alice', 0.7692307692307693, 0.7692307692307693, [[0, 0, 5], [8, 5, 0]]],
    ['qabxcd', 'abycdf', 0.6666666666666666, 0.6666666666666666, [[1, 0, 2], [4, 3, 2], [6, 6, 0]]],
    ['', '', 1.0, 1.0, [[0, 0, 0]]],
    ['a', '', 0.0, 0.0, [[1, 0, 0]]],
    // Code points, not UTF-16 units, as Python's str.
    ['😀a😀', 'a😀', 0.8, 0.8, [[1, 0, 2], [3, 2, 0]]],
  ])('%j against %j', (a, b, ratio, quickRatio, expected) => {
    const matcher = new SequenceMatcher(a, b);
    expect(matcher.ratio()).toBe(ratio);
    expect(matcher.quickRatio()).toBe(quickRatio);
    expect(blocks(a, b)).toEqual(expected);
  });

  it('drops popular elements of a b of 200+ elements (autojunk), as difflib does', () => {
    const b = 'x' + 'ab'.repeat(100);
    expect(new SequenceMatcher('ababab', b).ratio()).toBe(0.0);
    expect(new SequenceMatcher('ababab', b, false).ratio()).toBe(0.057971014492753624);
    // Popular elements are still matched by extending a match that borders them.
    expect(new SequenceMatcher('a'.repeat(10), 'a'.repeat(200)).ratio()).toBe(0.09523809523809523);
    const long =
      'aabbaabbaabbbaaabaaaababbbbbbabaaababbbbbbbabababaabbaabbababaabbbaaabbbaabaaaaabbbaabbbabbbbabbabbbbbabbabaabbbbbbaaabbbbbababbbbbaaababababaabbabaababbaaaababbababbbbbbbbbabaaabbaabbbaabaaaaabaabaabxyz';
    expect(new SequenceMatcher('xyzaabaa', long).ratio()).toBe(0.02843601895734597);
    expect(new SequenceMatcher('xyzaabaa', long, false).ratio()).toBe(0.04739336492890995);
  });
});
