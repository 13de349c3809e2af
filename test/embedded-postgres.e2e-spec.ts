// The embedded PostgreSQL run as root from a directory the postgres OS user cannot enter (a
// project in root's own 0700 home): it runs from a place that user can reach, or stops at once
// with one line naming the fix. (Run as another user, PostgreSQL runs as that user, in place.)
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { EmbeddedPostgresError } from '../src/database/postgres-access.js';
import { sql } from './support/database.js';
import { killAll, launch, snapshotBuild, within } from './support/server-process.js';

const AS_ROOT = process.getuid?.() === 0;

/** The @embedded-postgres package's native/ directory (bin/, lib/, share/). */
async function packagedNativeDir(): Promise<string> {
  const { postgres } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  return dirname(dirname(postgres));
}

describe('the embedded PostgreSQL and a directory the postgres user cannot enter', () => {
  let scratch: string;
  /** Stands for root's home: mode 0700. */
  let home: string;
  /** Stands for /var/lib/nest-simplejwt. */
  let runtimeDir: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'embedded-access-'));
    chmodSync(scratch, 0o755);
    home = join(scratch, 'root-home');
    mkdirSync(join(home, 'project'), { recursive: true });
    chmodSync(home, 0o700);
    runtimeDir = join(scratch, 'var-lib');
  });
  afterAll(() => {
    killAll();
    const link = join(scratch, 'build', 'node_modules');
    if (existsSync(link)) unlinkSync(link);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('runs with its binaries and its data inside it, from places it can reach, and keeps the data across restarts', async () => {
    // The binaries inside the 0700 directory too, as node_modules would be.
    symlinkSync(await packagedNativeDir(), join(home, 'project', 'native'));
    const options = { dir: join(home, 'project', '.data'), database: 'app', fast: true, nativeDir: join(home, 'project', 'native'), runtimeDir };
    const first = await startEmbeddedPostgres(options);
    try {
      await sql(first.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
      if (AS_ROOT) {
        expect(first.dataDirectory!.startsWith(join(runtimeDir, 'clusters') + '/')).toBe(true);
        const copies = readdirSync(runtimeDir).filter((name) => name.startsWith('postgres-'));
        expect(copies.map((name) => existsSync(join(runtimeDir, name, 'bin', 'postgres')))).toEqual([true]);
      } else {
        expect(first.dataDirectory).toBe(join(home, 'project', '.data', 'postgres'));
      }
    } finally {
      await first.stop();
    }
    const again = await startEmbeddedPostgres(options);
    try {
      expect(again.dataDirectory).toBe(first.dataDirectory);
      expect(await sql(again.url, 'SELECT n FROM kept')).toEqual([{ n: 42 }]);
    } finally {
      await again.stop();
    }
  });

  it('stops at once with one line naming the fix when a cluster made earlier is now out of its reach', async () => {
    const project = join(scratch, 'moved-home', 'project');
    mkdirSync(project, { recursive: true });
    chmodSync(dirname(project), 0o755);
    const options = { dir: join(project, '.data'), database: 'app', fast: true, runtimeDir };
    await (await startEmbeddedPostgres(options)).stop();
    chmodSync(dirname(project), 0o700); // the home directory closed afterwards
    if (!AS_ROOT) {
      await (await startEmbeddedPostgres(options)).stop(); // its own user can still enter it
      return;
    }
    const started = Date.now();
    const refusal = await startEmbeddedPostgres(options).then(
      (db) => db.stop().then(() => null),
      (error: unknown) => error,
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(refusal).toBeInstanceOf(EmbeddedPostgresError);
    expect((refusal as Error).message).toBe(
      `Embedded PostgreSQL: the cluster in ${join(project, '.data', 'postgres')} cannot start: the postgres OS user cannot enter ` +
        `${dirname(project)} (mode 0700). Let it in (chmod o+x ${dirname(project)}), move DATA_DIR elsewhere, or set DATABASE_URL.`,
    );

    // The server says just that, in one line, and exits 1.
    const server = launch(await snapshotBuild(join(scratch, 'build')), { DATA_DIR: options.dir, PORT: '0' });
    expect(await within(server.closed, 30000)).toEqual({ code: 1, signal: null });
    const lines = (server.stdout() + server.stderr()).split('\n').filter((line) => line.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ERROR \[Main\] Embedded PostgreSQL: the cluster in .+ cannot start: .+ Let it in \(chmod o\+x .+\), move DATA_DIR elsewhere, or set DATABASE_URL\.$/);
  });

  it('stops at once with one line naming the fix when nowhere it can reach can be made', async () => {
    const readOnly = join(scratch, 'a-file'); // a directory cannot be made under a file (a read-only /var/lib is the real case)
    writeFileSync(readOnly, '');
    const options = { dir: join(home, 'elsewhere', '.data'), database: 'app', fast: true, runtimeDir: join(readOnly, 'nest-simplejwt') };
    if (!AS_ROOT) {
      await (await startEmbeddedPostgres(options)).stop();
      return;
    }
    const refusal = await startEmbeddedPostgres(options).then(
      (db) => db.stop().then(() => null),
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(EmbeddedPostgresError);
    expect((refusal as Error).message).toMatch(
      new RegExp(
        `^Embedded PostgreSQL: the postgres OS user cannot enter ${home} \\(mode 0700\\), where DATA_DIR is, and ${readOnly}/nest-simplejwt cannot be made \\(ENOTDIR\\)\\. ` +
          'Run the app from a directory it can enter \\(e\\.g\\. /srv/app\\), or set DATABASE_URL\\.$',
      ),
    );
  });
});
