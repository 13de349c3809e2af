// Each drill prints its figures (and, with DRILL_RESULTS=<file>, appends them there as JSON lines).
import { appendFileSync } from 'node:fs';

export type Figures = Record<string, unknown>;

export function report(drill: string, figures: Figures): void {
  const width = Math.max(...Object.keys(figures).map((key) => key.length));
  const lines = Object.entries(figures).map(([key, value]) => `  ${key.padEnd(width)}  ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  process.stdout.write(`\n[drill] ${drill}\n${lines.join('\n')}\n`);
  if (process.env.DRILL_RESULTS) appendFileSync(process.env.DRILL_RESULTS, JSON.stringify({ drill, ...figures }) + '\n');
}

/** Seconds, to two decimals, from milliseconds. */
export const seconds = (ms: number) => Math.round(ms / 10) / 100;
