// A PostgreSQL of the drill's own (embedded, in a temporary directory, on a fixed port so that
// it can be stopped and started again under the apps' feet), migrated and seeded with users.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { sql } from '../../support/database.js';
import { migrate } from '../../../src/database/data-source.js';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../../src/database/embedded-postgres.js';
import { PasswordHasher } from '../../../src/users/password-hasher.js';

export const PASSWORD = 'drill password';

export class DrillCluster {
  private database: EmbeddedDatabase | null = null;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<DrillCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'simplejwt-drill-'));
    chmodSync(dir, 0o755); // as root, PostgreSQL runs as the postgres user, who must reach it
    const cluster = new DrillCluster(dir, await freePort());
    await cluster.resume();
    await migrate(cluster.url);
    return cluster;
  }

  /** The app's database. */
  get url(): string {
    if (this.database === null) throw new Error('the drill cluster is stopped');
    return this.database.url;
  }

  get running(): boolean {
    return this.database !== null;
  }

  /** Fast shutdown: open connections are ended, the data stays. */
  async halt(): Promise<void> {
    await this.database?.stop();
    this.database = null;
  }

  /** Starts again on the same port: the apps' DATABASE_URL stays right. */
  async resume(): Promise<void> {
    this.database ??= await startEmbeddedPostgres({ dir: this.dir, database: 'app', fast: true, port: this.port });
  }

  async remove(): Promise<void> {
    await this.halt();
    rmSync(this.dir, { recursive: true, force: true });
  }

  query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
    return sql<T>(this.url, text, values);
  }

}

/** Users `user0` .. `user<count-1>` in the database at `url`, all with PASSWORD (hashed once). */
export async function seedUsers(url: string, count: number): Promise<string[]> {
  const hash = await new PasswordHasher().hash(PASSWORD);
  const names = Array.from({ length: count }, (_, i) => `user${i}`);
  await sql(
    url,
    `INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
     SELECT $1, false, name, '', '', '', false, true, now() FROM unnest($2::text[]) AS name`,
    [hash, names],
  );
  return names;
}
