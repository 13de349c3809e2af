// A port already taken: `node dist/main.js` says so in one line naming the setting to change,
// exits 1, and leaves no embedded PostgreSQL behind.
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { createServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabases, freshDatabase } from './support/database.js';
import { killAll, launch, snapshotBuild, waitUntil, within } from './support/server-process.js';
import { freePort } from '../src/database/embedded-postgres.js';
import { SIGNING_KEY } from './support/test-app.js';

/** Listens on a loopback port (0: a free one) until closed; answers it. */
async function holdPort(port = 0): Promise<{ port: number; server: NetServer }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

/** Whether any process runs with `dir` on its command line (a postgres -D <dir>). */
function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(dir)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe('a port already in use', () => {
  let tmp: string;
  let main: string;
  let held: { port: number; server: NetServer };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'port-in-use-e2e-'));
    chmodSync(tmp, 0o755); // the postgres user must reach an embedded cluster inside
    main = await snapshotBuild(join(tmp, 'build'));
    held = await holdPort();
  }, 120_000);
  afterAll(async () => {
    killAll();
    held?.server.close();
    await dropDatabases();
    if (tmp !== undefined) {
      if (existsSync(join(tmp, 'build', 'node_modules'))) unlinkSync(join(tmp, 'build', 'node_modules'));
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('PORT taken, embedded PostgreSQL: one line on stderr naming PORT, exit 1, no PostgreSQL left running', async () => {
    const dataDir = join(tmp, 'data-port');
    const server = launch(main, { DATA_DIR: dataDir, PORT: String(held.port), JWT_SIGNING_KEY: SIGNING_KEY });
    expect(await within(server.closed, 60_000)).toEqual({ code: 1, signal: null });
    expect(server.stderr()).toBe(`Port ${held.port} on 127.0.0.1 is in use (EADDRINUSE): set PORT to a free port\n`);
    expect(server.stdout()).not.toMatch(/Listening|Error|at /);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(processesUsing(dataDir)).toEqual([]);
  }, 90_000);

  it('PORT taken while the embedded PostgreSQL starts: the same one line, and that PostgreSQL is stopped', async () => {
    const dataDir = join(tmp, 'data-late');
    const port = await freePort();
    const server = launch(main, { DATA_DIR: dataDir, PORT: String(port), JWT_SIGNING_KEY: SIGNING_KEY });
    let late: { server: NetServer } | undefined;
    try {
      await waitUntil('PostgreSQL started', server, () => /Embedded PostgreSQL started/.test(server.stdout()), 60_000);
      const postmaster = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
      expect(processesUsing(dataDir)).toContain(postmaster);
      late = await holdPort(port);
      expect(await within(server.closed, 60_000)).toEqual({ code: 1, signal: null });
      expect(server.stderr()).toBe(`Port ${port} on 127.0.0.1 is in use (EADDRINUSE): set PORT to a free port\n`);
      expect(server.stdout()).not.toMatch(/Listening on/);
      expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
      expect(processesUsing(dataDir)).toEqual([]);
    } finally {
      late?.server.close();
    }
  }, 90_000);

  it('METRICS_PORT taken: one line on stderr naming METRICS_PORT, exit 1, no PostgreSQL left running', async () => {
    const dataDir = join(tmp, 'data-metrics');
    const server = launch(main, { DATA_DIR: dataDir, PORT: '0', METRICS_PORT: String(held.port), JWT_SIGNING_KEY: SIGNING_KEY });
    expect(await within(server.closed, 60_000)).toEqual({ code: 1, signal: null });
    expect(server.stderr()).toBe(`Port ${held.port} on 127.0.0.1 is in use (EADDRINUSE): set METRICS_PORT to a free port\n`);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(processesUsing(dataDir)).toEqual([]);
  }, 90_000);

  it('with DATABASE_URL: the same line, exit 1', async () => {
    const databaseUrl = await freshDatabase();
    const server = launch(main, { DATABASE_URL: databaseUrl, PORT: String(held.port), JWT_SIGNING_KEY: SIGNING_KEY });
    expect(await within(server.closed, 30_000)).toEqual({ code: 1, signal: null });
    expect(server.stderr()).toBe(`Port ${held.port} on 127.0.0.1 is in use (EADDRINUSE): set PORT to a free port\n`);
  }, 60_000);

  it('METRICS_HOST not an address of this machine: one line naming METRICS_HOST, exit 1', async () => {
    const databaseUrl = await freshDatabase();
    // 192.0.2.1 is TEST-NET-1: never a local address.
    const server = launch(main, { DATABASE_URL: databaseUrl, PORT: '0', METRICS_PORT: String(held.port), METRICS_HOST: '192.0.2.1', JWT_SIGNING_KEY: SIGNING_KEY });
    expect(await within(server.closed, 30_000)).toEqual({ code: 1, signal: null });
    expect(server.stderr()).toBe('192.0.2.1 is not an address of this machine (EADDRNOTAVAIL): set METRICS_HOST to one of its addresses\n');
  }, 60_000);
});
