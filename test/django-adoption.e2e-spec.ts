import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthDatabase, migrateSchema, missingSchema } from '@nest-simplejwt/auth';
import { runCommand } from './support/commands.js';
import { sql } from './support/database.js';
import { ALICE_VIEW, DJANGO, djangoDatabase, dropDjangoDatabases, rowsOf, schemaOf, sortLines, type SchemaLine } from './support/django.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { decode } from './support/test-app.js';
import { refreshClaims, signed } from './support/tokens.js';

/**
 * A database that Django 3.2's and SimpleJWT 5.2.2's own migrations made, with the rows they
 * wrote (test/fixtures/django/django-simplejwt.sql), adopted in place: migrate, then the server,
 * signing with the key the Django project used.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KEY = DJANGO.simple_jwt.SIGNING_KEY;
/** SimpleJWT's settings as the Django project had them: its key, and its lifetimes (longer-lived tokens are refused). */
const SIMPLE_JWT_ENV = {
  JWT_SIGNING_KEY: KEY,
  JWT_ACCESS_TOKEN_LIFETIME: String(DJANGO.simple_jwt.ACCESS_TOKEN_LIFETIME_SECONDS),
  JWT_REFRESH_TOKEN_LIFETIME: String(DJANGO.simple_jwt.REFRESH_TOKEN_LIFETIME_SECONDS),
};
const TEST_TIMEOUT = 120_000;

const OUTSTANDING = 'token_blacklist_outstandingtoken';
const BLACKLIST = 'token_blacklist_blacklistedtoken';
const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };
const VERIFY_BLACKLISTED = { non_field_errors: ['Token is blacklisted'] };
const NO_ACCOUNT = { detail: 'No active account found with the given credentials' };
const NO_ACCOUNT_FOR_TOKEN = { detail: 'No active account found for the given token.', code: 'no_active_account' };
const ARGON2ID_HERE = /^argon2\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/;
const MIGRATIONS = ['CreateAuthUser1732406300000', 'CreateTokenBlacklist1732406400000', 'CreateNotes1732406500000', 'CreateTokenSession1764633600000', 'CreateLoginFailure1767225600000'];

/** What migrate adds beside Django's tables, and all it changes in them (SimpleJWT's outstanding table). */
const NEW_TABLES = ['login_failure', 'notes_note', 'token_session', 'typeorm_migrations'];
const DROPPED_LINES: SchemaLine[] = [{ table: OUTSTANDING, line: 'column token text NOT NULL' }];
const ADDED_LINES: SchemaLine[] = [
  { table: OUTSTANDING, line: "column token text NOT NULL DEFAULT ''::text" },
  { table: OUTSTANDING, line: `index CREATE INDEX token_blacklist_outstandingtoken_expires_at_idx ON public.${OUTSTANDING} USING btree (expires_at)` },
];

const activeUsers = DJANGO.users.filter((u) => u.password !== null && u.is_active);
const refreshOf = (username: string, blacklisted = false) => DJANGO.refresh_tokens.find((r) => r.username === username && r.blacklisted === blacklisted)!;

function cli(args: string[], url: string) {
  return runCommand(process.execPath, ['dist/cli.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', DATABASE_URL: url },
    timeoutMs: 60_000,
  });
}

const tablesOf = async (url: string) =>
  (await sql<{ table_name: string }>(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`)).map(
    (r) => r.table_name,
  );

/** `schema` with Django's tables changed as migrate changes them. */
const adopted = (schema: SchemaLine[]) =>
  sortLines([...schema.filter((l) => !DROPPED_LINES.some((d) => d.table === l.table && d.line === l.line)), ...ADDED_LINES]);
const onlyTables = (schema: SchemaLine[], tables: string[]) => schema.filter((l) => tables.includes(l.table));

describe('A Django + SimpleJWT database adopted in place', () => {
  let url: string;
  let djangoTables: string[];
  let schemaBefore: SchemaLine[];
  let rowsBefore: Record<string, string[]>;
  let schemaMigrated: SchemaLine[];

  beforeAll(async () => {
    url = await djangoDatabase();
    djangoTables = await tablesOf(url);
    schemaBefore = await schemaOf(url);
    rowsBefore = await rowsOf(url, djangoTables);
  });
  afterAll(() => dropDjangoDatabases());

  it('is the database Django made: its tables, SimpleJWT\'s with the token column, 7 outstanding tokens, 2 blacklisted', async () => {
    expect(djangoTables).toEqual([
      'auth_group', 'auth_group_permissions', 'auth_permission', 'auth_user', 'auth_user_groups', 'auth_user_user_permissions',
      'django_content_type', 'django_migrations', BLACKLIST, OUTSTANDING,
    ]);
    expect(onlyTables(schemaBefore, [OUTSTANDING]).filter((l) => l.line.startsWith('column')).map((l) => l.line)).toEqual([
      'column created_at timestamp with time zone',
      'column expires_at timestamp with time zone NOT NULL',
      "column id bigint NOT NULL DEFAULT nextval('token_blacklist_outstandingtoken_id_seq'::regclass)",
      'column jti character varying(255) NOT NULL',
      'column token text NOT NULL',
      'column user_id integer',
    ]);
    expect([rowsBefore[OUTSTANDING].length, rowsBefore[BLACKLIST].length]).toEqual([7, 2]);
  });

  it('is refused by the server until it is migrated, naming what is pending; nothing is written', async () => {
    const refused = startServerProcess(url, SIMPLE_JWT_ENV);
    await expect(refused).rejects.toThrow('The database is not migrated: 5 migration(s) pending');
    await expect(refused).rejects.toThrow('Run `node dist/cli.js migrate`');
    expect(await schemaOf(url)).toEqual(schemaBefore);
  }, TEST_TIMEOUT);

  it("migrate adds only what is missing: the app's tables, a default for SimpleJWT's token column, an expires_at index; every row kept", async () => {
    const res = await cli(['migrate'], url);
    expect(res).toEqual({ code: 0, stdout: MIGRATIONS.map((name) => `Applied migration ${name}\n`).join(''), stderr: '' });
    expect(await tablesOf(url)).toEqual([...djangoTables, ...NEW_TABLES].sort());
    schemaMigrated = await schemaOf(url);
    expect(onlyTables(schemaMigrated, djangoTables)).toEqual(adopted(schemaBefore));
    expect(await rowsOf(url, djangoTables)).toEqual(rowsBefore);
    expect((await sql(url, 'SELECT name FROM typeorm_migrations ORDER BY id')).map((r) => r.name)).toEqual(MIGRATIONS);
  }, TEST_TIMEOUT);

  it('migrate a second time changes nothing', async () => {
    const tables = await tablesOf(url);
    const rows = await rowsOf(url, tables);
    expect(await cli(['migrate'], url)).toEqual({ code: 0, stdout: 'No migrations to apply.\n', stderr: '' });
    expect(await schemaOf(url)).toEqual(schemaMigrated);
    expect(await rowsOf(url, tables)).toEqual(rows);
  }, TEST_TIMEOUT);

  it("the module's own migrations (runMigrations) find nothing more to do, and its start-up check finds nothing missing", async () => {
    const db = AuthDatabase.of(url);
    try {
      await migrateSchema(db);
      await migrateSchema(db);
      expect(await missingSchema(db)).toEqual([]);
    } finally {
      await db.close();
    }
    expect(await schemaOf(url)).toEqual(schemaMigrated);
  });

  describe('served by the app, signing with the key the Django project used', () => {
    let server: ServerProcess;

    beforeAll(async () => {
      server = await startServerProcess(url, SIMPLE_JWT_ENV);
    }, TEST_TIMEOUT);
    afterAll(() => server?.stop());

    async function call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: unknown }> {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (token) headers.Authorization = `Bearer ${token}`;
      const res = await fetch(server.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    }
    const post = (path: string, body: unknown) => call('POST', path, body);
    const refresh = (token: string) => post('/api/token/refresh/', { refresh: token });
    const verify = (token: string) => post('/api/token/verify/', { token });
    const logout = (token: string) => post('/api/token/blacklist/', { refresh: token });
    const storedHash = async (username: string) =>
      (await sql<{ password: string }>(url, 'SELECT password FROM auth_user WHERE username = $1', [username]))[0].password;
    const blacklistedIds = async () =>
      (await sql<{ token_id: string }>(url, `SELECT token_id FROM ${BLACKLIST} ORDER BY token_id`)).map((r) => Number(r.token_id));
    const outstandingId = async (jti: string) => Number((await sql(url, `SELECT id FROM ${OUTSTANDING} WHERE jti = $1`, [jti]))[0].id);
    /** The jtis of tokens that SimpleJWT's outstanding table did not hold until this app recorded them. */
    const recorded: string[] = [];
    /** A refresh token as SimpleJWT signs one (no sid) that its outstanding table never recorded. */
    const unrecorded = (userId: unknown) => {
      const claims = refreshClaims(userId);
      recorded.push(claims.jti as string);
      return { claims, token: signed(claims, KEY) };
    };

    it.each(activeUsers.map((u) => [u.username, u.hasher, u] as const))(
      'logs %s in with the password Django knew (%s) and upgrades the hash to argon2id',
      async (username, hasher, user) => {
        expect(await storedHash(username)).toMatch(new RegExp(`^${hasher}\\$`));
        const res = await post('/api/token/', { username, password: user.password });
        expect(res.status).toBe(200);
        const body = res.body as { access: string; refresh: string };
        expect(Object.keys(body).sort()).toEqual(['access', 'refresh']);
        expect(decode(body.refresh).payload).toMatchObject({ token_type: 'refresh', user_id: user.id, sid: expect.any(String) });
        expect(await storedHash(username)).toMatch(ARGON2ID_HERE);
      },
      TEST_TIMEOUT,
    );

    it("refuses the inactive user (whose right password upgrades her hash all the same, as Django's check_password does) and the one Django gave no usable password", async () => {
      const grace = DJANGO.users.find((u) => u.username === 'grace')!;
      expect(await post('/api/token/', { username: 'grace', password: grace.password })).toEqual({ status: 401, body: NO_ACCOUNT });
      expect(await storedHash('grace')).toMatch(ARGON2ID_HERE);
      const ivan = await storedHash('ivan');
      expect(await post('/api/token/', { username: 'ivan', password: ivan })).toEqual({ status: 401, body: NO_ACCOUNT });
      expect(await storedHash('ivan')).toBe(ivan);
    }, TEST_TIMEOUT);

    it("takes SimpleJWT's access tokens as bearer tokens, and verifies them", async () => {
      const alice = DJANGO.access_tokens.find((a) => a.username === 'alice')!;
      // Django stored microseconds (last_login .987654); a JavaScript date holds milliseconds.
      expect(await call('GET', '/api/me/', undefined, alice.token)).toEqual({ status: 200, body: ALICE_VIEW });
      for (const issued of DJANGO.access_tokens) {
        const me = await call('GET', '/api/me/', undefined, issued.token);
        expect([me.status, (me.body as { id: number }).id]).toEqual([200, issued.user_id]);
        expect(await verify(issued.token)).toEqual({ status: 200, body: {} });
      }
    });

    it('refuses the refresh tokens SimpleJWT blacklisted: 401 at refresh and logout, 400 at verify; nothing written', async () => {
      const before = await rowsOf(url, [OUTSTANDING, BLACKLIST, 'token_session']);
      for (const { token } of DJANGO.refresh_tokens.filter((r) => r.blacklisted)) {
        expect(await refresh(token)).toEqual({ status: 401, body: BLACKLISTED });
        expect(await verify(token)).toEqual({ status: 400, body: VERIFY_BLACKLISTED });
        expect(await logout(token)).toEqual({ status: 401, body: BLACKLISTED });
      }
      expect(await rowsOf(url, [OUTSTANDING, BLACKLIST, 'token_session'])).toEqual(before);
    });

    it("refreshes a token SimpleJWT issued into a session, blacklisting it in SimpleJWT's table: a replay is refused", async () => {
      const bob = refreshOf('bob');
      expect(decode(bob.token).payload).not.toHaveProperty('sid');
      expect(await verify(bob.token)).toEqual({ status: 200, body: {} });

      const res = await refresh(bob.token);
      expect(res.status).toBe(200);
      const pair = res.body as { access: string; refresh: string };
      expect(Object.keys(pair).sort()).toEqual(['access', 'refresh']);
      const next = decode(pair.refresh).payload;
      expect(next).toMatchObject({ token_type: 'refresh', user_id: 2, sid: expect.any(String) });
      expect(decode(pair.access).payload).toMatchObject({ token_type: 'access', user_id: 2, sid: next.sid });
      expect(await blacklistedIds()).toContain(await outstandingId(bob.jti));
      expect(await sql(url, 'SELECT user_id, live_jti, revoked_at FROM token_session WHERE id = $1', [next.sid])).toEqual([
        { user_id: '2', live_jti: next.jti, revoked_at: null },
      ]);

      // No grace for a token without a session: the first refresh blacklisted it.
      expect(await refresh(bob.token)).toEqual({ status: 401, body: BLACKLISTED });
      expect(await verify(bob.token)).toEqual({ status: 400, body: VERIFY_BLACKLISTED });
      const me = await call('GET', '/api/me/', undefined, pair.access);
      expect([me.status, (me.body as { username: string }).username]).toEqual([200, 'bob']);
      const again = await refresh(pair.refresh);
      expect(again.status).toBe(200);
      expect(decode((again.body as { refresh: string }).refresh).payload.sid).toBe(next.sid);
    });

    it('lets exactly one of concurrent refreshes of one SimpleJWT token through; the others are refused as blacklisted', async () => {
      const carol = refreshOf('carol');
      const sessions = async () => Number((await sql(url, `SELECT count(*) FROM token_session WHERE user_id = '3'`))[0].count);
      const before = await sessions();
      const answers = await Promise.all(Array.from({ length: 6 }, () => refresh(carol.token)));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401, 401, 401, 401]);
      for (const refused of answers.filter((a) => a.status === 401)) expect(refused.body).toEqual(BLACKLISTED);
      expect(await sessions()).toBe(before + 1);
      const id = await outstandingId(carol.jti);
      expect((await blacklistedIds()).filter((t) => t === id)).toEqual([id]);
    }, TEST_TIMEOUT);

    it("refuses the refresh of an inactive user's SimpleJWT token, blacklisting nothing", async () => {
      const grace = refreshOf('grace');
      expect(await refresh(grace.token)).toEqual({ status: 401, body: NO_ACCOUNT_FOR_TOKEN });
      expect(await blacklistedIds()).not.toContain(await outstandingId(grace.jti));
    });

    it("logs out with a SimpleJWT refresh token: blacklisted in SimpleJWT's table, refused afterwards", async () => {
      const zoe = refreshOf('zoë.ünal@example');
      expect(await logout(zoe.token)).toEqual({ status: 200, body: {} });
      expect(await blacklistedIds()).toContain(await outstandingId(zoe.jti));
      expect(await refresh(zoe.token)).toEqual({ status: 401, body: BLACKLISTED });
      expect(await logout(zoe.token)).toEqual({ status: 401, body: BLACKLISTED });
    });

    it('records a SimpleJWT token its table never held as Django would (token, integer user_id) at logout and at refresh', async () => {
      const loggedOut = unrecorded(1);
      expect(await logout(loggedOut.token)).toEqual({ status: 200, body: {} });
      const refreshed = unrecorded(9);
      expect((await refresh(refreshed.token)).status).toBe(200);
      for (const { claims } of [loggedOut, refreshed]) {
        const rows = await sql(
          url,
          `SELECT o.token, o.user_id, extract(epoch FROM o.created_at)::int AS iat, extract(epoch FROM o.expires_at)::int AS exp,
             b.blacklisted_at IS NOT NULL AS blacklisted
           FROM ${OUTSTANDING} o JOIN ${BLACKLIST} b ON b.token_id = o.id WHERE o.jti = $1`,
          [claims.jti],
        );
        expect(rows).toEqual([{ token: '', user_id: claims.user_id, iat: claims.iat, exp: claims.exp, blacklisted: true }]);
      }
      expect(await refresh(refreshed.token)).toEqual({ status: 401, body: BLACKLISTED });
    });

    it("logs out with a SimpleJWT token whose user is gone, or is no auth_user id: recorded without a user, as Django's SET NULL leaves it", async () => {
      // 4 was mallory's id: Django deleted her.
      expect(await sql(url, 'SELECT id FROM auth_user WHERE id = 4')).toEqual([]);
      const gone = Number((await sql(url, 'SELECT max(id) + 1 AS id FROM auth_user'))[0].id);
      for (const userId of [4, gone, 'mallory', 2 ** 40]) {
        const { claims, token } = unrecorded(userId);
        expect([userId, await logout(token)]).toEqual([userId, { status: 200, body: {} }]);
        expect(await sql(url, `SELECT token, user_id FROM ${OUTSTANDING} WHERE jti = $1`, [claims.jti])).toEqual([{ token: '', user_id: null }]);
        expect(await refresh(token)).toEqual({ status: 401, body: BLACKLISTED });
      }
    });

    it('keeps every row Django had: only the hashes of those whose password was checked changed, and blacklist entries were added', async () => {
      const after = await rowsOf(url, djangoTables);
      const rehashed = new Set([...activeUsers.map((u) => u.username), 'grace']);
      const users = (rows: string[]) => rows.map((row) => JSON.parse(row) as { username: string; password: string });
      const expectedUsers = users(rowsBefore.auth_user).map((user, i) =>
        rehashed.has(user.username) ? { ...user, password: users(after.auth_user)[i].password } : user,
      );
      expect(users(after.auth_user)).toEqual(expectedUsers);
      for (const user of users(after.auth_user)) if (rehashed.has(user.username)) expect(user.password).toMatch(ARGON2ID_HERE);

      // Django's own outstanding rows, token strings and all, unchanged; those recorded above added.
      expect(after[OUTSTANDING].filter((row) => rowsBefore[OUTSTANDING].includes(row))).toEqual(rowsBefore[OUTSTANDING]);
      expect(after[OUTSTANDING]).toHaveLength(rowsBefore[OUTSTANDING].length + recorded.length);
      for (const row of rowsBefore[BLACKLIST]) expect(after[BLACKLIST]).toContain(row);
      const refreshedOrLoggedOut = ['bob', 'carol', 'zoë.ünal@example'].map((u) => refreshOf(u).jti);
      const ids = await Promise.all([...refreshedOrLoggedOut, ...recorded].map(outstandingId));
      expect(await blacklistedIds()).toEqual([2, 4, ...ids].sort((a, b) => a - b));

      for (const table of djangoTables.filter((t) => !['auth_user', OUTSTANDING, BLACKLIST].includes(t))) {
        expect([table, after[table]]).toEqual([table, rowsBefore[table]]);
      }
    });

    it("flushexpiredtokens deletes expired tokens with their blacklist entries, though SimpleJWT's foreign key does not cascade", async () => {
      const alice = refreshOf('alice');
      const aliceBlacklisted = refreshOf('alice', true);
      await sql(url, `UPDATE ${OUTSTANDING} SET expires_at = now() - interval '1 day' WHERE jti = ANY($1)`, [[alice.jti, aliceBlacklisted.jti]]);
      const expired = await Promise.all([alice.jti, aliceBlacklisted.jti].map(outstandingId));
      const count = async () => Number((await sql(url, `SELECT count(*) FROM ${OUTSTANDING}`))[0].count);
      const before = await count();
      expect(await cli(['flushexpiredtokens'], url)).toEqual({ code: 0, stdout: 'Deleted 2 expired tokens, 0 expired sessions and 0 failed-login records older than LOGIN_FAILURE_WINDOW.\n', stderr: '' });
      expect(await sql(url, `SELECT id FROM ${OUTSTANDING} WHERE id = ANY($1)`, [expired])).toEqual([]);
      expect(await blacklistedIds()).not.toContain(expired[1]);
      expect(await count()).toBe(before - 2);
    }, TEST_TIMEOUT);
  });
});

describe("A Django + SimpleJWT database given to the AuthModule's own migrations (runMigrations, without the server's)", () => {
  afterAll(() => dropDjangoDatabases());

  it('gets token_session and the same two changes to SimpleJWT\'s outstanding table, every row kept; a second run changes nothing', async () => {
    const url = await djangoDatabase();
    const tables = await tablesOf(url);
    const schema = await schemaOf(url);
    const rows = await rowsOf(url, tables);
    const db = AuthDatabase.of(url);
    try {
      expect(await missingSchema(db)).toEqual(['table token_session', 'table login_failure']);
      await migrateSchema(db);
      expect(await missingSchema(db)).toEqual([]);
      const migrated = await schemaOf(url);
      expect(await tablesOf(url)).toEqual([...tables, 'login_failure', 'token_session'].sort());
      expect(onlyTables(migrated, tables)).toEqual(adopted(schema));
      await migrateSchema(db);
      expect(await schemaOf(url)).toEqual(migrated);
    } finally {
      await db.close();
    }
    expect(await rowsOf(url, tables)).toEqual(rows);
  });
});
