// The drills' client: workers on keep-alive connections (one each, as browsers and load
// balancers hold them), every request timed and recorded, every wait bounded.
import { Agent, request as httpRequest } from 'node:http';

/** One request as the client saw it: a status, or the error that took its place. */
export interface Sample {
  readonly op: string;
  /** 200, 503, ... or ECONNREFUSED, ECONNRESET, TIMEOUT. */
  readonly outcome: number | string;
  readonly started: number;
  readonly ms: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

export const UNAVAILABLE = { detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' };

/** No request waits longer than this in a drill: a hang is recorded as TIMEOUT, not waited out. */
const CLIENT_TIMEOUT_MS = 30_000;

export class Client {
  readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(
    readonly samples: Sample[],
    private readonly headers: Record<string, string> = {},
  ) {}

  get(base: string, path: string, op = `GET ${path}`, headers: Record<string, string> = {}) {
    return this.send(base, 'GET', path, op, undefined, headers);
  }

  post(base: string, path: string, body: unknown, op = `POST ${path}`) {
    return this.send(base, 'POST', path, op, body, {});
  }

  close(): void {
    this.agent.destroy();
  }

  private send(base: string, method: string, path: string, op: string, body: unknown, headers: Record<string, string>): Promise<Sample> {
    const started = performance.now();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve) => {
      const done = (outcome: number | string, responseHeaders: Sample['headers'] = {}, parsed: unknown = null) => {
        const sample = { op, outcome, started, ms: performance.now() - started, headers: responseHeaders, body: parsed };
        this.samples.push(sample);
        resolve(sample);
      };
      const req = httpRequest(
        `${base}${path}`,
        {
          method,
          agent: this.agent,
          headers: { ...this.headers, ...headers, ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }) },
          timeout: CLIENT_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // kept as text
            }
            done(res.statusCode ?? 0, res.headers, parsed);
          });
          res.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
      req.end(payload);
    });
  }
}

/**
 * Runs `step` in a loop on each of `workers` clients (each its own connection) while `scenario`
 * plays out; answers every request made meanwhile.
 */
export async function underLoad(
  workers: number,
  step: (client: Client, worker: number) => Promise<Sample | void>,
  scenario: () => Promise<void>,
  headersOf: (worker: number) => Record<string, string> = () => ({}),
): Promise<Sample[]> {
  const samples: Sample[] = [];
  let done = false;
  const load = Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      const client = new Client(samples, headersOf(worker));
      try {
        while (!done) {
          const sample = await step(client, worker);
          // A refused or broken connection fails at once: pace the retries, as clients do.
          if (sample && typeof sample.outcome === 'string') await new Promise((resolve) => setTimeout(resolve, 10));
        }
      } finally {
        client.close();
      }
    }),
  );
  try {
    await scenario();
  } finally {
    done = true;
    await load;
  }
  return samples;
}

/** Counts by outcome, the slowest request, and the share of 503s that are DRF's with Retry-After. */
export function summarize(samples: readonly Sample[]) {
  const outcomes: Record<string, number> = {};
  let maxMs = 0;
  let drf503 = 0;
  for (const sample of samples) {
    outcomes[sample.outcome] = (outcomes[sample.outcome] ?? 0) + 1;
    maxMs = Math.max(maxMs, sample.ms);
    if (sample.outcome === 503 && is503(sample)) drf503++;
  }
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const p99 = sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
  return { requests: samples.length, outcomes, maxMs: Math.round(maxMs), p99Ms: Math.round(p99), drf503 };
}

/** DRF's 503: the exact body and a Retry-After of whole seconds. */
export function is503(sample: Sample): boolean {
  return (
    sample.outcome === 503 &&
    JSON.stringify(sample.body) === JSON.stringify(UNAVAILABLE) &&
    /^\d+$/.test(String(sample.headers['retry-after'] ?? ''))
  );
}

/**
 * Outcomes that must never happen, counted by operation: a 5xx other than DRF's 503 (health has
 * its own 503 body), a hang, a reset connection. `{}` when there were none.
 */
export function failures(samples: readonly Sample[]): Record<string, number> {
  const bad5xx = (s: Sample) => typeof s.outcome === 'number' && s.outcome >= 500 && !is503(s) && !(s.op === 'health' && s.outcome === 503);
  const counts: Record<string, number> = {};
  for (const s of samples) {
    if (!bad5xx(s) && s.outcome !== 'TIMEOUT' && s.outcome !== 'ECONNRESET') continue;
    const key = `${s.op} ${s.outcome}${typeof s.outcome === 'number' ? ` ${JSON.stringify(s.body)}` : ''}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
