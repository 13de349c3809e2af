// The built server (dist/main.js) as a child process: started bound to 127.0.0.1, its output
// kept, and ended by its PID. Shared by the specs that watch a whole process and the drills.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from '../../src/database/embedded-postgres.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ANSI = /\x1b\[[0-9;]*m/g;

export interface Server {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited and its output is read. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Others may rebuild dist/ (npm run build deletes it first) while this runs: wait until the
 * build is whole again rather than spawn into a half-written one.
 */
async function buildPresent(): Promise<void> {
  const files = ['main.js', 'app.module.js', 'http/create-app.js', 'config/settings.js', 'database/data-source.js'].map((file) => join(ROOT, 'dist', file));
  const deadline = Date.now() + 120000;
  let stableSince = 0;
  while (Date.now() < deadline) {
    if (files.every((file) => existsSync(file))) {
      if (stableSince === 0) stableSince = Date.now();
      if (Date.now() - stableSince >= 300) return;
    } else {
      stableSince = 0;
    }
    await sleep(100);
  }
  throw new Error('dist/ is missing: run npm run build');
}

/**
 * A private copy of dist/ (with node_modules linked and the package's "type": "module"), so that
 * someone running `npm run build` meanwhile (it deletes dist/ first) cannot pull the files out
 * from under a server being spawned. Checked by importing the app's modules from the copy.
 * Answers the copy's main.js.
 */
export async function snapshotBuild(into: string): Promise<string> {
  mkdirSync(into, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    await buildPresent();
    rmSync(join(into, 'dist'), { recursive: true, force: true });
    cpSync(join(ROOT, 'dist'), join(into, 'dist'), { recursive: true });
    if (!existsSync(join(into, 'package.json'))) writeFileSync(join(into, 'package.json'), '{"type": "module"}\n');
    if (!existsSync(join(into, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(into, 'node_modules'), 'dir');
    const check = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(join(into, 'dist', 'app.module.js')).href)}); await import(${JSON.stringify(pathToFileURL(join(into, 'dist', 'config', 'signing-key.js')).href)});`],
      { cwd: ROOT, encoding: 'utf8', timeout: 60000 },
    );
    if (check.status === 0) return join(into, 'dist', 'main.js');
    if (attempt === 3) throw new Error(`the copy of dist/ does not load:\n${check.stderr}`);
    await sleep(2000);
  }
}

/** Starts `node <main>` with exactly `env` (plus PATH and HOME), bound to 127.0.0.1. */
export function launch(main: string, env: Record<string, string>): Server {
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, stdout: () => out.replace(ANSI, ''), stderr: () => err.replace(ANSI, ''), closed };
}

/** SIGKILL to every server this file started that still runs (an afterAll's safety net). */
export function killAll(): void {
  for (const child of children) if (running(child)) process.kill(child.pid!, 'SIGKILL');
}

export const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** `promise`, or null after `ms` (the timer does not outlive the race). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Stops a spawned server by its pid: SIGTERM, then SIGKILL if it lingers. */
export async function stop(server: Server, ms = 15000) {
  if (running(server.child)) process.kill(server.child.pid!, 'SIGTERM');
  const exit = await within(server.closed, ms);
  if (exit !== null) return exit;
  if (running(server.child)) process.kill(server.child.pid!, 'SIGKILL');
  return server.closed;
}

export async function waitUntil(what: string, server: Server, ready: () => boolean | Promise<boolean>, ms = 30000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await ready()) return;
    if (!running(server.child)) break;
    await sleep(50);
  }
  throw new Error(`${what}: not seen.\nstdout:\n${server.stdout()}\nstderr:\n${server.stderr()}`);
}

/** Waits for the "Listening on <url>/api/" line; answers the url. */
export async function listening(server: Server): Promise<string> {
  const line = () => /Listening on (http:\/\/\S+)\/api\//.exec(server.stdout());
  await waitUntil('the Listening line', server, () => line() !== null);
  return line()![1];
}

export interface ServerProcess {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves when the process is gone. */
  stop(): Promise<void>;
}

/**
 * `node dist/main.js` as operators run it, on a database that is already migrated, on a free
 * loopback port; resolves once it logs that it listens.
 */
export async function startServerProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const { SIGNING_KEY } = await import('./test-app.js');
  const port = await freePort();
  const server = launch(join(ROOT, 'dist', 'main.js'), {
    NODE_ENV: 'test',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    DATABASE_MIGRATE_ON_START: 'false',
    JWT_SIGNING_KEY: SIGNING_KEY,
    THROTTLE_RATES: 'off',
    OPENAPI_PATH: 'off',
    ...env,
  });
  await listening(server);
  return {
    url: `http://127.0.0.1:${port}`,
    child: server.child,
    output: () => server.stdout() + server.stderr(),
    stop: async () => {
      await stop(server, 10_000);
    },
  };
}
