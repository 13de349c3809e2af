// Each drill prints its figures (and, with DRILL_RESULTS=<file>, appends them there as JSON lines).
import { appendFileSync } from 'node:fs';
import { recoverySeconds, stackLines } from './instance.js';
import { summarize, type Sample } from './load.js';
import { byOperation } from './mixed.js';

export type Figures = Record<string, unknown>;

export function report(drill: string, figures: Figures): void {
  const width = Math.max(...Object.keys(figures).map((key) => key.length));
  const lines = Object.entries(figures).map(([key, value]) => `  ${key.padEnd(width)}  ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  process.stdout.write(`\n[drill] ${drill}\n${lines.join('\n')}\n`);
  if (process.env.DRILL_RESULTS) appendFileSync(process.env.DRILL_RESULTS, JSON.stringify({ drill, ...figures }) + '\n');
}

/** Seconds, to two decimals, from milliseconds. */
export const seconds = (ms: number) => Math.round(ms / 10) / 100;

/** A log without its per-request lines: the access log's, and the auth events' (a login, a refresh, a logout). */
export const withoutRequestLines = (lines: readonly string[]) => lines.filter((line) => !line.includes('[AuthEvents]') && !line.includes('[AccessLog]'));

/** The requests that were under way at some moment between `from` and `to` (performance.now()). */
export const overlapping = (samples: readonly Sample[], from: number, to: number) => samples.filter((s) => s.started < to && s.started + s.ms > from);

/**
 * The figures of a fault that lasted from `from` to `to`: what clients saw meanwhile, how soon
 * database reads (GET /api/me/) answered 200 again, and what the log said about it.
 */
export function faultFigures(samples: readonly Sample[], from: number, to: number, lines: readonly string[]) {
  const during = overlapping(samples, from, to);
  const { maxMs, drf503 } = summarize(during);
  return {
    requests: summarize(samples).requests,
    'outcomes of requests under way during the fault': byOperation(during),
    'max latency during the fault (ms)': maxMs,
    'DRF 503s with Retry-After': drf503,
    'fault lasted (s)': seconds(to - from),
    'database reads answering again after (s)': recoverySeconds(samples.filter((s) => s.op === 'me'), to),
    'log lines (access and auth event lines aside)': withoutRequestLines(lines).length,
    'stack trace lines': stackLines(lines),
  };
}

/** How a run of load went: requests, outcomes per operation, the slowest and the 99th percentile. */
export function loadFigures(samples: readonly Sample[]) {
  const { requests, maxMs, p99Ms } = summarize(samples);
  return { requests, outcomes: byOperation(samples), 'max latency (ms)': maxMs, 'p99 latency (ms)': p99Ms };
}
