// The mixed traffic the drills run: each worker is a user with a session who mostly reads
// (GET /api/me/, database mode: one user lookup each), refreshes now and then (rotation: one
// write), checks health, and logs in again when its refresh token is refused.
import type { Client, Sample } from './load.js';
import { PASSWORD } from './cluster.js';

export interface Tokens {
  access: string;
  refresh: string;
}

export class MixedWorker {
  private turn = 0;
  private tokens: Tokens | null = null;

  constructor(
    readonly username: string,
    private readonly bases: readonly string[],
  ) {}

  /** One request of the mix; each round of ten goes to the next instance, so every kind reaches each. */
  async step(client: Client): Promise<Sample> {
    const base = this.bases[Math.floor(this.turn / 10) % this.bases.length];
    const kind = this.turn++ % 10;
    if (this.tokens === null) return this.login(client, base);
    if (kind === 9) return client.get(base, '/api/health/', 'health');
    if (kind === 4) {
      const res = await client.post(base, '/api/token/refresh/', { refresh: this.tokens.refresh }, 'refresh');
      if (res.outcome === 200) this.tokens = res.body as Tokens;
      // Refused: a rotation that committed while its answer was lost. The user logs in again.
      if (res.outcome === 401) this.tokens = null;
      return res;
    }
    return client.get(base, '/api/me/', 'me', { Authorization: `Bearer ${this.tokens.access}` });
  }

  private async login(client: Client, base: string): Promise<Sample> {
    const res = await client.post(base, '/api/token/', { username: this.username, password: PASSWORD }, 'login');
    if (res.outcome === 200) this.tokens = res.body as Tokens;
    return res;
  }
}

/** Outcomes per operation: `{ me: { 200: 812, 503: 40 }, ... }`. */
export function byOperation(samples: readonly Sample[]): Record<string, Record<string, number>> {
  const table: Record<string, Record<string, number>> = {};
  for (const { op, outcome } of samples) {
    table[op] ??= {};
    table[op][outcome] = (table[op][outcome] ?? 0) + 1;
  }
  return table;
}
