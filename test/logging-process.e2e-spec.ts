import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '../src/database/embedded-postgres.js';
import { dropDatabases, freshDatabase } from './support/database.js';
import { killAll, launch, listening, snapshotBuild, stop } from './support/server-process.js';
import { SIGNING_KEY } from './support/test-app.js';

/** `node dist/main.js` as operators run it: what LOG_FORMAT makes of its stdout. */

let tmp: string;
let main: string;
let databaseUrl: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'logging-e2e-'));
  main = await snapshotBuild(join(tmp, 'build'));
  databaseUrl = await freshDatabase();
}, 180_000);
afterAll(async () => {
  killAll();
  rmSync(tmp, { recursive: true, force: true });
  await dropDatabases();
});

/**
 * Starts the server with `env`, sends GET /api/health/ and a refused login with the given request
 * ids, stops it with SIGTERM: its exit code, stdout lines and stderr.
 */
async function run(env: Record<string, string>, ids: { health: string; login: string }) {
  const port = await freePort();
  const server = launch(main, {
    NODE_ENV: 'test',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    DATABASE_MIGRATE_ON_START: 'false',
    JWT_SIGNING_KEY: SIGNING_KEY,
    OPENAPI_PATH: 'off',
    ...env,
  });
  await listening(server);
  const url = `http://127.0.0.1:${port}`;
  const health = await fetch(`${url}/api/health/`, { headers: { 'X-Request-Id': ids.health } });
  expect([health.status, health.headers.get('x-request-id')]).toEqual([200, ids.health]);
  const login = await fetch(`${url}/api/token/?next=/secret-query`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Request-Id': ids.login },
    body: JSON.stringify({ username: 'nobody', password: 'process secret 99' }),
  });
  expect([login.status, login.headers.get('x-request-id')]).toEqual([401, ids.login]);
  const exit = await stop(server);
  return { exit, lines: server.stdout().split('\n').filter((line) => line !== ''), stderr: server.stderr() };
}

const parses = (line: string) => {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
};

describe('the server process, LOG_FORMAT=json', () => {
  it('writes only JSON lines on stdout, from start to shutdown: the access line of a request with the X-Request-Id sent, its auth event', async () => {
    const { exit, lines, stderr } = await run({ LOG_FORMAT: 'json' }, { health: 'json-health-1', login: 'json-login-2' });
    expect(exit).toEqual({ code: 0, signal: null });
    expect(stderr).toBe('');
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const line of parsed) {
      expect(line).toEqual(expect.objectContaining({ level: expect.any(String), time: expect.any(String), msg: expect.any(String), context: expect.any(String) }));
    }
    expect(parsed.find((l) => l.context === 'Main' && /^Listening on http:\/\/127\.0\.0\.1:\d+\/api\/$/.test(String(l.msg)))).toBeDefined();
    expect(parsed.filter((l) => l.context === 'AccessLog').map(({ time: _t, pid: _p, hostname: _h, duration_ms: ms, ...rest }) => [rest, typeof ms])).toEqual([
      [{ level: 'info', context: 'AccessLog', method: 'GET', route: '/api/health', status: 200, user_id: null, request_id: 'json-health-1', ip: '127.0.0.1', msg: 'request completed' }, 'number'],
      [{ level: 'info', context: 'AccessLog', method: 'POST', route: '/api/token', status: 401, user_id: null, request_id: 'json-login-2', ip: '127.0.0.1', msg: 'request completed' }, 'number'],
    ]);
    expect(parsed.filter((l) => l.context === 'AuthEvents')).toEqual([
      expect.objectContaining({ level: 'info', event: 'login_failed', user_id: null, username: 'nobody', reason: 'invalid_credentials', ip: '127.0.0.1', request_id: 'json-login-2', msg: 'login_failed' }),
    ]);
    const everything = lines.join('\n');
    for (const secret of ['process secret', 'secret-query', SIGNING_KEY]) expect(everything).not.toContain(secret);
  }, 60_000);

  it('writes a failure to start as a JSON fatal line too (the port taken)', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const server = launch(main, { NODE_ENV: 'test', PORT: String(port), DATABASE_URL: databaseUrl, DATABASE_MIGRATE_ON_START: 'false', JWT_SIGNING_KEY: SIGNING_KEY, LOG_FORMAT: 'json' });
      expect(await server.closed).toEqual({ code: 1, signal: null });
      const lines = server.stdout().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.at(-1)).toMatchObject({ level: 'fatal', context: 'Main', msg: `Port ${port} on 127.0.0.1 is in use (EADDRINUSE): set PORT to a free port` });
      expect(server.stderr()).toBe('');
    } finally {
      taken.close();
    }
  }, 60_000);

  it('is the default in production (LOG_FORMAT=auto)', async () => {
    const { exit, lines } = await run({ NODE_ENV: 'production' }, { health: 'prod-health', login: 'prod-login' });
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.filter((line) => !parses(line))).toEqual([]);
    expect(lines.some((line) => JSON.parse(line).request_id === 'prod-health')).toBe(true);
  }, 60_000);
});

describe('the server process, LOG_FORMAT=pretty', () => {
  it("writes Nest's console lines, none of them JSON; the access line with its fields after the message", async () => {
    const { exit, lines } = await run({ LOG_FORMAT: 'pretty' }, { health: 'pretty-health-1', login: 'pretty-login-2' });
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.filter(parses)).toEqual([]);
    for (const line of lines) expect(line).toMatch(/^\[Nest\] \d+ {2}- .+ (LOG|WARN|ERROR|DEBUG|VERBOSE|FATAL) \[\w+\] /);
    const access = lines.filter((line) => / LOG \[AccessLog\] request completed \{/.test(line));
    expect(access.map((line) => JSON.parse(line.slice(line.indexOf('{'))))).toEqual([
      { method: 'GET', route: '/api/health', status: 200, duration_ms: expect.any(Number), user_id: null, request_id: 'pretty-health-1', ip: '127.0.0.1' },
      { method: 'POST', route: '/api/token', status: 401, duration_ms: expect.any(Number), user_id: null, request_id: 'pretty-login-2', ip: '127.0.0.1' },
    ]);
    const event = lines.find((line) => / LOG \[AuthEvents\] login_failed \{/.test(line))!;
    expect(JSON.parse(event.slice(event.indexOf('{')))).toEqual({ event: 'login_failed', user_id: null, reason: 'invalid_credentials', username: 'nobody', ip: '127.0.0.1', request_id: 'pretty-login-2' });
    expect(lines.join('\n')).not.toContain('process secret');
  }, 60_000);
});
