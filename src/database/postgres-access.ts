import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { join, parse, resolve, sep } from 'node:path';

/** The OS user PostgreSQL runs as when the app runs as root (PostgreSQL refuses root). */
export interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** Every group it belongs to, its own included. */
  readonly groups: readonly number[];
}

/** Where root keeps PostgreSQL's files when the postgres user cannot reach the project's. */
export const RUNTIME_DIR = '/var/lib/nest-simplejwt';

/** The embedded PostgreSQL cannot run here; the message is one line that names the fix. */
export class EmbeddedPostgresError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPostgresError';
  }
}

/** The user `name`, created as a system user when missing. */
export function osUser(name: string): OsUser {
  const id = (flag: string) => execFileSync('id', [flag, name], { encoding: 'utf8' }).trim();
  try {
    id('-u');
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', name]);
  }
  return { name, uid: Number(id('-u')), gid: Number(id('-g')), groups: id('-G').split(/\s+/).map(Number) };
}

/**
 * The first directory on the way to `path` (itself included) that `user` may not enter, or null.
 * A directory that does not exist yet stops the walk: root makes it, with mode 0755.
 */
export function blockedDirectory(path: string, user: OsUser): { dir: string; mode: number } | null {
  const target = resolve(path);
  let dir = parse(target).root;
  for (const part of ['', ...target.slice(dir.length).split(sep).filter(Boolean)]) {
    dir = join(dir, part);
    let stats: Stats;
    try {
      stats = statSync(dir);
    } catch {
      return null;
    }
    if (!stats.isDirectory()) return null;
    if (!maySearch(stats, user)) return { dir, mode: stats.mode & 0o7777 };
  }
  return null;
}

function maySearch(stats: Stats, user: OsUser): boolean {
  if (stats.uid === user.uid) return (stats.mode & 0o100) !== 0;
  if (user.groups.includes(stats.gid)) return (stats.mode & 0o010) !== 0;
  return (stats.mode & 0o001) !== 0;
}

const describe = (blocked: { dir: string; mode: number }) => `${blocked.dir} (mode ${blocked.mode.toString(8).padStart(4, '0')})`;

/**
 * The binaries' directory (bin/, lib/, share/) as `user` can run it: where it is, or a copy made
 * once under `runtimeDir`, root-owned and world-readable, named after the binaries it copies
 * (an upgraded package gets a copy of its own).
 */
export function reachableBinaries(nativeDir: string, user: OsUser, runtimeDir: string): string {
  const blocked = blockedDirectory(join(nativeDir, 'bin'), user);
  if (blocked === null) return nativeDir;
  const binary = statSync(join(nativeDir, 'bin', 'postgres'));
  const key = createHash('sha256').update(`${realpathSync(nativeDir)}:${binary.size}:${binary.mtimeMs}`).digest('hex').slice(0, 16);
  const copy = join(prepared(runtimeDir, user, blocked, 'the PostgreSQL binaries are'), `postgres-${key}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    const partial = `${copy}.partial-${process.pid}`;
    cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    rmSync(copy, { recursive: true, force: true });
    renameSync(partial, copy); // whole or absent: a start that died mid-copy leaves only a .partial
  }
  return copy;
}

/**
 * The directory that holds the cluster (`postgres/`) for DATA_DIR `dir`: `dir` itself, or one
 * of its own under `runtimeDir` when `user` cannot enter `dir`.
 */
export function reachableClusterHome(dir: string, user: OsUser, runtimeDir: string): string {
  const blocked = blockedDirectory(dir, user);
  if (blocked === null) return dir;
  if (existsSync(join(dir, 'postgres', 'PG_VERSION'))) {
    throw new EmbeddedPostgresError(
      `Embedded PostgreSQL: the cluster in ${join(dir, 'postgres')} cannot start: the ${user.name} OS user cannot enter ${describe(blocked)}. ` +
        `Let it in (chmod o+x ${blocked.dir}), move DATA_DIR elsewhere, or set DATABASE_URL.`,
    );
  }
  const key = createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16);
  const home = join(prepared(runtimeDir, user, blocked, 'DATA_DIR is'), 'clusters', key);
  mkdirSync(home, { recursive: true, mode: 0o755 });
  writeFileSync(join(home, 'DATA_DIR'), resolve(dir) + '\n'); // which project this cluster belongs to
  return home;
}

/** `runtimeDir`, made if missing, checked reachable by `user`; else the one-line error. */
function prepared(runtimeDir: string, user: OsUser, blocked: { dir: string; mode: number }, what: string): string {
  let problem: string | null = null;
  try {
    mkdirSync(runtimeDir, { recursive: true, mode: 0o755 });
    const stuck = blockedDirectory(runtimeDir, user);
    if (stuck !== null) problem = `the ${user.name} user cannot enter ${describe(stuck)} either`;
  } catch (error) {
    problem = `${runtimeDir} cannot be made (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  if (problem === null) return runtimeDir;
  throw new EmbeddedPostgresError(
    `Embedded PostgreSQL: the ${user.name} OS user cannot enter ${describe(blocked)}, where ${what}, and ${problem}. ` +
      'Run the app from a directory it can enter (e.g. /srv/app), or set DATABASE_URL.',
  );
}
