/** A rate as DRF writes it: `100/minute` is 100 requests per 60 seconds. */
export interface Rate {
  readonly requests: number;
  readonly seconds: number;
}

/** DRF's DEFAULT_THROTTLE_RATES: scope → rate. */
export type ThrottleRates = Readonly<Record<string, Rate>>;

const PERIODS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** DRF's parse_rate: `N/period`, where only the period's first letter counts (s, m, h, d). */
export function parseRate(text: string): Rate {
  const match = /^\s*(\d+)\s*\/\s*([smhd])[a-z]*\s*$/i.exec(text);
  if (!match || Number(match[1]) < 1) {
    throw new Error(`expected N/second, N/minute, N/hour or N/day, got ${JSON.stringify(text)}`);
  }
  return { requests: Number(match[1]), seconds: PERIODS[match[2].toLowerCase()] };
}

/**
 * `anon=100/minute,user=1000/minute,token=20/minute` as DRF's DEFAULT_THROTTLE_RATES dict
 * (scope → `N/period`, each checked), or `off` (or nothing) for no throttling at all.
 */
export function rateTable(text: string): Record<string, string> {
  if (text.trim().toLowerCase() === 'off' || text.trim() === '') return {};
  const table: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [scope, rate, extra] = pair.split('=');
    if (!scope?.trim() || rate === undefined || extra !== undefined) {
      throw new Error(`expected scope=N/period pairs separated by commas, got ${JSON.stringify(pair)}`);
    }
    parseRate(rate);
    table[scope.trim()] = rate.trim();
  }
  return table;
}

/** The same text as rates ready to count with. */
export function parseRates(text: string): ThrottleRates {
  return Object.fromEntries(Object.entries(rateTable(text)).map(([scope, rate]) => [scope, parseRate(rate)]));
}
