import { describe, expect, it } from '@jest/globals';
import { parseRate, parseRates } from './throttle-rates.js';

const BAD_RATE = (text: string) => `expected N/second, N/minute, N/hour or N/day, got ${JSON.stringify(text)}`;
const BAD_PAIR = (text: string) => `expected scope=N/period pairs separated by commas, got ${JSON.stringify(text)}`;

describe('parseRate (DRF parse_rate: N/period, only the period’s first letter counts)', () => {
  it.each([
    ['100/minute', { requests: 100, seconds: 60 }],
    ['5/s', { requests: 5, seconds: 1 }],
    ['5/second', { requests: 5, seconds: 1 }],
    ['10/hour', { requests: 10, seconds: 3600 }],
    ['1/day', { requests: 1, seconds: 86400 }],
    ['3/min', { requests: 3, seconds: 60 }],
    ['20/m', { requests: 20, seconds: 60 }],
    ['2/h', { requests: 2, seconds: 3600 }],
    ['7/d', { requests: 7, seconds: 86400 }],
    ['  100/minute  ', { requests: 100, seconds: 60 }],
    [' 4 / hour ', { requests: 4, seconds: 3600 }],
  ])('reads %j', (text, rate) => {
    expect(parseRate(text)).toEqual(rate);
  });

  it.each(['0/minute', 'x/minute', '5/week', '5', '/minute', '5/', '-1/minute', '1.5/minute', 'anon=5/minute', '', '5 minute'])(
    'refuses %j',
    (text) => {
      expect(() => parseRate(text)).toThrow(BAD_RATE(text));
    },
  );
});

describe('parseRates (THROTTLE_RATES: scope=N/period pairs separated by commas)', () => {
  it('reads the documented default', () => {
    expect(parseRates('anon=100/minute,user=1000/minute,token=20/minute')).toEqual({
      anon: { requests: 100, seconds: 60 },
      user: { requests: 1000, seconds: 60 },
      token: { requests: 20, seconds: 60 },
    });
  });

  it('allows spaces around scopes, rates and commas', () => {
    expect(parseRates(' anon = 3/min , user=5/s,  token =1/day ')).toEqual({
      anon: { requests: 3, seconds: 60 },
      user: { requests: 5, seconds: 1 },
      token: { requests: 1, seconds: 86400 },
    });
  });

  it('reads a single scope, any scope name (for @ThrottleScope)', () => {
    expect(parseRates('uploads=10/hour')).toEqual({ uploads: { requests: 10, seconds: 3600 } });
  });

  it.each(['off', 'OFF', ' off ', '', '   '])('%j is no throttling at all: {}', (text) => {
    expect(parseRates(text)).toEqual({});
  });

  it.each([
    ['anon', 'anon'],
    ['anon=5/minute=1', 'anon=5/minute=1'],
    ['=5/minute', '=5/minute'],
    ['anon=5/minute,', ''],
    ['anon=5/minute,,user=1/day', ''],
  ])('refuses the pair in %j', (text, pair) => {
    expect(() => parseRates(text)).toThrow(BAD_PAIR(pair));
  });

  it.each([
    ['anon=0/minute', '0/minute'],
    ['anon=x/minute', 'x/minute'],
    ['anon=5/week', '5/week'],
    ['anon=lots', 'lots'],
    ['user=1/day,anon=5/fortnight', '5/fortnight'],
  ])('refuses the rate in %j', (text, rate) => {
    expect(() => parseRates(text)).toThrow(BAD_RATE(rate));
  });
});
