// An app instance under drill: the built server (dist/main.js, or DRILL_MAIN to measure another
// build) spawned on a free port of 127.0.0.1, its log kept for counting.
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../src/database/embedded-postgres.js';
import { launch, listening, ROOT, running, type Server } from '../../support/server-process.js';
import { Client, type Sample } from './load.js';
import { PASSWORD } from './cluster.js';

export const SIGNING_KEY = 'drill-signing-key-0123456789-abcdefghijklmnop';
const MAIN = process.env.DRILL_MAIN || join(ROOT, 'dist', 'main.js');

export class Instance {
  private constructor(
    readonly server: Server,
    readonly url: string,
    /** Its DATA_DIR (signing key; the embedded PostgreSQL when no DATABASE_URL is given). */
    readonly dataDir: string,
  ) {}

  /** Starts an instance with the drill defaults plus `env`; resolves once it listens. */
  static async start(env: Record<string, string>): Promise<Instance> {
    const dataDir = mkdtempSync(join(tmpdir(), 'simplejwt-drill-app-'));
    chmodSync(dataDir, 0o755); // an embedded PostgreSQL runs as the postgres user, who must reach it
    const server = launch(MAIN, {
      PORT: String(await freePort()),
      JWT_SIGNING_KEY: SIGNING_KEY,
      THROTTLE_RATES: 'off',
      OPENAPI_PATH: 'off',
      DATA_DIR: dataDir,
      ...env,
    });
    try {
      return new Instance(server, await listening(server), dataDir);
    } catch (error) {
      if (running(server.child)) process.kill(server.child.pid!, 'SIGKILL');
      await server.closed;
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Everything it wrote, stdout and stderr. */
  log(): string {
    return this.server.stdout() + this.server.stderr();
  }

  /** Lines of its log after `offset` characters of it (see log().length). */
  linesSince(offset: number): string[] {
    return this.log().slice(offset).split('\n').filter((line) => line.trim() !== '');
  }

  signal(signal: NodeJS.Signals): void {
    if (running(this.server.child)) process.kill(this.server.child.pid!, signal);
  }

  async stop(): Promise<void> {
    this.signal('SIGKILL');
    await this.server.closed;
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The URL of the embedded PostgreSQL an instance started in `dataDir` (its own files say where). */
export function embeddedUrl(dataDir: string): string {
  const { password } = JSON.parse(readFileSync(join(dataDir, 'postgres.json'), 'utf8')) as { password: string };
  const port = readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[3];
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/app`;
}

/** Logs `username` in at `base`; answers the pair, or throws with what came back. */
export async function login(base: string, username: string): Promise<{ access: string; refresh: string }> {
  const client = new Client([]);
  try {
    const res = await client.post(base, '/api/token/', { username, password: PASSWORD });
    if (res.outcome !== 200) throw new Error(`login of ${username}: ${res.outcome} ${JSON.stringify(res.body)}`);
    return res.body as { access: string; refresh: string };
  } finally {
    client.close();
  }
}

/** Stack frames in a log: what an unexpected error prints, and nothing else should. */
export const stackLines = (lines: readonly string[]) => lines.filter((line) => /^\s+at\s/.test(line)).length;

/** The first sample at or after `from` (performance.now()) answered `status`, as seconds after `from`. */
export function recoverySeconds(samples: readonly Sample[], from: number, status = 200): number | null {
  const first = samples.filter((s) => s.started >= from && s.outcome === status).sort((a, b) => a.started - b.started)[0];
  return first === undefined ? null : Math.round((first.started + first.ms - from) / 10) / 100;
}
