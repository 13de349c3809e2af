import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { PasswordHasher } from '../src/users/password-hasher.js';
import { admin, dropDatabases, freshDatabase, sql, withDatabase } from './support/database.js';
import { startApp, type TestApp } from './support/test-app.js';

/** The project root: the CLI runs from there, as `node dist/cli.js`. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** A child starts Node, loads TypeORM and hashes with argon2: slow on a busy 2-core machine. */
const CHILD_TIMEOUT = 60_000;
const TEST_TIMEOUT = 120_000;

/** Django's argon2 hasher with OWASP's parameters, as the CLI must store it. */
const ARGON2 = /^argon2\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children = new Set<ChildProcessWithoutNullStreams>();

/** Starts `node dist/cli.js ...args` against `databaseUrl` with a clean environment. */
function start(args: string[], databaseUrl: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['dist/cli.js', ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      ...env,
    },
    stdio: 'pipe',
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<Outcome>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cli ${args.join(' ')} did not finish in ${CHILD_TIMEOUT} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, CHILD_TIMEOUT);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
  /** Resolves once stdout (from `from` on) contains `text`; returns where it ends. */
  const waitFor = (text: string, from = 0) =>
    new Promise<number>((resolve, reject) => {
      const check = () => {
        const at = stdout.indexOf(text, from);
        if (at < 0) return;
        listeners.delete(check);
        resolve(at + text.length);
      };
      listeners.add(check);
      check();
      done.then(() => reject(new Error(`cli exited before printing ${JSON.stringify(text)}\nstdout: ${stdout}\nstderr: ${stderr}`)), reject);
    });
  return { child, done, waitFor, output: () => ({ stdout, stderr }) };
}

/** Runs the CLI to completion, with `input` (if any) written to its stdin at once. */
function cli(args: string[], databaseUrl: string, env: Record<string, string> = {}, input?: string): Promise<Outcome> {
  const run = start(args, databaseUrl, env);
  if (input !== undefined) run.child.stdin.write(input);
  run.child.stdin.end();
  return run.done;
}

/** Django's PBKDF2PasswordHasher.encode, computed independently of the app. */
function djangoPbkdf2(password: string, iterations = 1000): string {
  const salt = randomBytes(12).toString('base64url');
  const digest = pbkdf2Sync(password, salt, iterations, 32, 'sha256').toString('base64');
  return `pbkdf2_sha256$${iterations}$${salt}$${digest}`;
}

const hasher = new PasswordHasher();

interface UserRow {
  id: number;
  username: string;
  password: string;
  email: string;
  is_active: boolean;
  is_staff: boolean;
  is_superuser: boolean;
}

describe('CLI (node dist/cli.js)', () => {
  let url: string;

  beforeAll(async () => {
    url = await freshDatabase();
    // A user Django made, for the "username taken" cases.
    await sql(url, `INSERT INTO auth_user (username, password) VALUES ('taken', $1)`, [djangoPbkdf2('taken pass')]);
  });
  afterEach(() => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }
    children.clear();
  });
  afterAll(async () => {
    await dropDatabases();
  });

  const userRow = async (username: string): Promise<UserRow | undefined> =>
    (await sql<UserRow>(url, 'SELECT * FROM auth_user WHERE username = $1', [username]))[0];

  describe('migrate', () => {
    const name = `test_cli_empty_${randomBytes(4).toString('hex')}`;
    let empty: string;

    beforeAll(async () => {
      await admin((client) => client.query(`CREATE DATABASE ${name}`));
      empty = withDatabase(process.env.TEST_ADMIN_URL!, name);
    }, TEST_TIMEOUT);
    afterAll(async () => {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    });

    const tables = async () =>
      (await sql(empty, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`)).map((r) => r.table_name);

    it('creates auth_user and the token_blacklist tables on an empty database, and is a no-op the second time', async () => {
      expect(await tables()).toEqual([]);

      const first = await cli(['migrate'], empty);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('Applied migration CreateAuthUser1732406300000');
      expect(first.stdout).toContain('Applied migration CreateTokenBlacklist1732406400000');
      expect(first.stdout).toContain('Applied migration CreateNotes1732406500000');
      expect(await tables()).toEqual(['auth_user', 'notes_note', 'token_blacklist_blacklistedtoken', 'token_blacklist_outstandingtoken', 'typeorm_migrations']);
      const migrations = async () => (await sql(empty, 'SELECT id, name FROM typeorm_migrations ORDER BY id')).map((r) => `${r.id} ${r.name}`);
      const applied = await migrations();
      expect(applied).toEqual([
        expect.stringMatching(/ CreateAuthUser1732406300000$/),
        expect.stringMatching(/ CreateTokenBlacklist1732406400000$/),
        expect.stringMatching(/ CreateNotes1732406500000$/),
      ]);

      await sql(empty, `INSERT INTO auth_user (username, password) VALUES ('survivor', '!')`);
      const second = await cli(['migrate'], empty);
      expect(second.stderr).toBe('');
      expect(second.code).toBe(0);
      expect(second.stdout).not.toContain('Applied migration');
      expect(await migrations()).toEqual(applied);
      expect((await sql(empty, 'SELECT username FROM auth_user')).map((r) => r.username)).toEqual(['survivor']);
    }, TEST_TIMEOUT);
  });

  describe('createuser', () => {
    it('creates an active, unprivileged user with an argon2 hash', async () => {
      const res = await cli(['createuser', '--username', 'carol', '--password', 'correct horse'], url);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      const row = await userRow('carol');
      expect(row).toBeDefined();
      expect(res.stdout).toBe(`User "carol" created (id ${row!.id}).\n`);
      expect(row).toMatchObject({ email: '', is_active: true, is_staff: false, is_superuser: false });
      expect(row!.password).toMatch(ARGON2);
      expect(await hasher.check('correct horse', row!.password)).toBe(true);
      expect(await hasher.check('correct horsE', row!.password)).toBe(false);
    }, TEST_TIMEOUT);

    it.each([
      ['--inactive', 'sleeper', ['--inactive'], { is_active: false, is_staff: false, is_superuser: false }],
      ['--staff', 'stafford', ['--staff'], { is_active: true, is_staff: true, is_superuser: false }],
      ['--superuser (which implies staff)', 'supe', ['--superuser'], { is_active: true, is_staff: true, is_superuser: true }],
      ['all of them', 'everything', ['--inactive', '--staff', '--superuser'], { is_active: false, is_staff: true, is_superuser: true }],
    ])('honours %s', async (_case, username, flags, expected) => {
      const res = await cli(['createuser', '--username', username, '--password', 'pw', ...flags], url);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(new RegExp(`^User "${username}" created \\(id \\d+\\)\\.\\n$`));
      expect(await userRow(username)).toMatchObject({ ...expected, email: '' });
    }, TEST_TIMEOUT);

    it('stores --email', async () => {
      const res = await cli(['createuser', '--username', 'emma', '--password', 'pw', '--email', 'emma@example.com'], url);
      expect(res.code).toBe(0);
      expect((await userRow('emma'))!.email).toBe('emma@example.com');
    }, TEST_TIMEOUT);

    it('refuses a username that is taken, changing nothing', async () => {
      const before = await userRow('taken');
      const res = await cli(['createuser', '--username', 'taken', '--password', 'another'], url);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe('Error: That username is already taken.\n');
      expect(res.stdout).toBe('');
      expect(await userRow('taken')).toEqual(before);
    }, TEST_TIMEOUT);

    it.each([
      ['no --password', ['--username', 'nopass']],
      ['no --username', ['--password', 'pw']],
    ])('exits 1 with %s', async (_case, args) => {
      const res = await cli(['createuser', ...args], url);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe('Error: createuser needs --username and --password\n');
      expect(await sql(url, `SELECT 1 FROM auth_user WHERE username = 'nopass'`)).toEqual([]);
    }, TEST_TIMEOUT);

    it('refuses a blank password', async () => {
      const res = await cli(['createuser', '--username', 'blank', '--password', ''], url);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe("Error: Blank passwords aren't allowed.\n");
      expect(await userRow('blank')).toBeUndefined();
    }, TEST_TIMEOUT);

    it.each([
      ['a space', 'bad name'],
      ['a slash', 'bad/name'],
      ['151 characters', 'a'.repeat(151)],
    ])('refuses a username with %s', async (_case, username) => {
      const res = await cli(['createuser', '--username', username, '--password', 'pw'], url);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe('Error: Enter a valid username: up to 150 letters, digits and @/./+/-/_ characters.\n');
      expect(await userRow(username)).toBeUndefined();
    }, TEST_TIMEOUT);

    it('accepts the characters Django allows: letters, digits and @ . + - _', async () => {
      const res = await cli(['createuser', '--username', 'zoë.o+k-1_@x', '--password', 'pw'], url);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(await userRow('zoë.o+k-1_@x')).toBeDefined();
    }, TEST_TIMEOUT);
  });

  describe('createsuperuser', () => {
    it('--no-input reads DJANGO_SUPERUSER_USERNAME, _PASSWORD and _EMAIL', async () => {
      const res = await cli(['createsuperuser', '--no-input'], url, {
        DJANGO_SUPERUSER_USERNAME: 'admin',
        DJANGO_SUPERUSER_PASSWORD: 'admin pass',
        DJANGO_SUPERUSER_EMAIL: 'admin@example.com',
      });
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toBe('Superuser created successfully.\n');
      const row = await userRow('admin');
      expect(row).toMatchObject({ email: 'admin@example.com', is_active: true, is_staff: true, is_superuser: true });
      expect(row!.password).toMatch(ARGON2);
      expect(await hasher.check('admin pass', row!.password)).toBe(true);
    }, TEST_TIMEOUT);

    it('--no-input without DJANGO_SUPERUSER_PASSWORD exits 1 and creates nobody', async () => {
      const res = await cli(['createsuperuser', '--no-input'], url, { DJANGO_SUPERUSER_USERNAME: 'nopassadmin' });
      expect(res.code).toBe(1);
      expect(res.stderr).toBe('Error: Set DJANGO_SUPERUSER_PASSWORD to use --no-input.\n');
      expect(await userRow('nopassadmin')).toBeUndefined();
    }, TEST_TIMEOUT);

    it('--no-input without a username exits 1', async () => {
      const res = await cli(['createsuperuser', '--no-input'], url, { DJANGO_SUPERUSER_PASSWORD: 'pw' });
      expect(res.code).toBe(1);
      expect(res.stderr).toBe('Error: You must use --username with --no-input (or set DJANGO_SUPERUSER_USERNAME).\n');
    }, TEST_TIMEOUT);

    it('--no-input refuses a taken username', async () => {
      const before = await userRow('taken');
      const res = await cli(['createsuperuser', '--no-input', '--username', 'taken'], url, { DJANGO_SUPERUSER_PASSWORD: 'pw' });
      expect(res.code).toBe(1);
      expect(res.stderr).toBe('Error: That username is already taken.\n');
      expect(await userRow('taken')).toEqual(before);
    }, TEST_TIMEOUT);

    it('prompts for the username, email and password (twice), answered through stdin', async () => {
      const run = start(['createsuperuser'], url);
      let at = await run.waitFor('Username: ');
      run.child.stdin.write('root\n');
      at = await run.waitFor('Email address: ', at);
      run.child.stdin.write('root@example.com\n');
      at = await run.waitFor('Password: ', at);
      run.child.stdin.write('s3cret pass\n');
      await run.waitFor('Password (again): ', at);
      run.child.stdin.write('s3cret pass\n');
      run.child.stdin.end();
      const res = await run.done;
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toContain('Superuser created successfully.\n');
      expect(res.stdout).not.toContain('s3cret'); // passwords are not echoed
      const row = await userRow('root');
      expect(row).toMatchObject({ email: 'root@example.com', is_active: true, is_staff: true, is_superuser: true });
      expect(await hasher.check('s3cret pass', row!.password)).toBe(true);
    }, TEST_TIMEOUT);

    it('prompts only for the password when --username and --email are given', async () => {
      const run = start(['createsuperuser', '--username', 'root2', '--email', 'root2@example.com'], url);
      const at = await run.waitFor('Password: ');
      run.child.stdin.write('pw two\n');
      await run.waitFor('Password (again): ', at);
      run.child.stdin.write('pw two\n');
      run.child.stdin.end();
      const res = await run.done;
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).not.toContain('Username: ');
      expect(res.stdout).not.toContain('Email address: ');
      expect(await userRow('root2')).toMatchObject({ email: 'root2@example.com', is_staff: true, is_superuser: true });
    }, TEST_TIMEOUT);

    it('refuses passwords that do not match, creating nobody', async () => {
      const run = start(['createsuperuser', '--username', 'mismatch', '--email', ''], url);
      const at = await run.waitFor('Password: ');
      run.child.stdin.write('one\n');
      await run.waitFor('Password (again): ', at);
      run.child.stdin.write('two\n');
      run.child.stdin.end();
      const res = await run.done;
      expect(res.code).toBe(1);
      expect(res.stderr).toBe("Error: Your passwords didn't match.\n");
      expect(await userRow('mismatch')).toBeUndefined();
    }, TEST_TIMEOUT);

    it('reads all the answers when they are piped in at once (printf ... | cli createsuperuser)', async () => {
      const res = await cli(['createsuperuser'], url, {}, 'piped\npiped@example.com\npiped pass\npiped pass\n');
      const row = await userRow('piped');
      expect({ ...res, created: row !== undefined }).toEqual({
        code: 0,
        stdout: expect.stringContaining('Superuser created successfully.\n'),
        stderr: '',
        created: true,
      });
      expect(row).toMatchObject({ email: 'piped@example.com', is_staff: true, is_superuser: true });
      expect(await hasher.check('piped pass', row!.password)).toBe(true);
    }, TEST_TIMEOUT);

    it('fails, creating nobody, when stdin ends before the prompts are answered', async () => {
      const res = await cli(['createsuperuser', '--username', 'eof', '--email', 'eof@example.com'], url, {}, '');
      expect({ code: res.code, stdout: res.stdout }).toEqual({ code: 1, stdout: expect.stringContaining('Password: ') });
      expect(res.stderr).toMatch(/^Error: /);
      expect(await userRow('eof')).toBeUndefined();
    }, TEST_TIMEOUT);
  });

  describe('logging in with users the CLI and Django made', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startApp({}, url);
    }, TEST_TIMEOUT);
    afterAll(async () => {
      await t?.close();
    });

    const obtain = (username: string, password: string) => t.http().post('/api/token/').send({ username, password });

    it('logs in a user made by createuser', async () => {
      const res = await cli(['createuser', '--username', 'dave', '--password', 'dave pass'], url);
      expect(res.code).toBe(0);
      const ok = await obtain('dave', 'dave pass');
      expect(ok.status).toBe(200);
      expect(Object.keys(ok.body)).toEqual(['refresh', 'access']);
      expect((await obtain('dave', 'wrong')).status).toBe(401);
    }, TEST_TIMEOUT);

    it('does not log in a user made with --inactive', async () => {
      expect((await cli(['createuser', '--username', 'ivan', '--password', 'pw', '--inactive'], url)).code).toBe(0);
      const res = await obtain('ivan', 'pw');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'No active account found with the given credentials' });
    }, TEST_TIMEOUT);

    it('changepassword U --password NEW: the new password logs in, the old one no longer does', async () => {
      expect((await cli(['createuser', '--username', 'erin', '--password', 'old pass'], url)).code).toBe(0);
      expect((await obtain('erin', 'old pass')).status).toBe(200);
      const res = await cli(['changepassword', 'erin', '--password', 'new pass'], url);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toBe("Password changed successfully for user 'erin'\n");
      expect((await userRow('erin'))!.password).toMatch(ARGON2);
      expect((await obtain('erin', 'new pass')).status).toBe(200);
      const old = await obtain('erin', 'old pass');
      expect(old.status).toBe(401);
      expect(old.body).toEqual({ detail: 'No active account found with the given credentials' });
    }, TEST_TIMEOUT);

    it('changepassword prompts for the password twice when --password is not given', async () => {
      await sql(url, `INSERT INTO auth_user (username, password) VALUES ('helen', $1)`, [djangoPbkdf2('helen pass')]);
      const run = start(['changepassword', 'helen'], url);
      const at = await run.waitFor('Password: ');
      run.child.stdin.write('prompted pass\n');
      await run.waitFor('Password (again): ', at);
      run.child.stdin.write('prompted pass\n');
      run.child.stdin.end();
      const res = await run.done;
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toContain("Password changed successfully for user 'helen'\n");
      expect(res.stdout).not.toContain('prompted pass');
      expect((await obtain('helen', 'prompted pass')).status).toBe(200);
      expect((await obtain('helen', 'helen pass')).status).toBe(401);
    }, TEST_TIMEOUT);

    it('logs in a user whose password is a Django pbkdf2_sha256 hash, and upgrades the hash to argon2', async () => {
      const encoded = djangoPbkdf2('django pass');
      await sql(url, `INSERT INTO auth_user (username, password, email) VALUES ('frank', $1, 'frank@example.com')`, [encoded]);

      const wrong = await obtain('frank', 'Django pass');
      expect(wrong.status).toBe(401);
      expect((await userRow('frank'))!.password).toBe(encoded); // a failed login upgrades nothing

      const res = await obtain('frank', 'django pass');
      expect(res.status).toBe(200);
      const upgraded = (await userRow('frank'))!.password;
      expect(upgraded).toMatch(ARGON2);
      expect(await hasher.check('django pass', upgraded)).toBe(true);
      expect((await obtain('frank', 'django pass')).status).toBe(200);
    });
  });

  describe('changepassword', () => {
    beforeAll(async () => {
      await sql(url, `INSERT INTO auth_user (username, password) VALUES ('gina', $1)`, [djangoPbkdf2('gina pass')]);
    });

    it('exits 1 for an unknown user', async () => {
      const res = await cli(['changepassword', 'nobody', '--password', 'pw'], url);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe("Error: user 'nobody' does not exist\n");
      expect(await userRow('nobody')).toBeUndefined();
    }, TEST_TIMEOUT);

    it('exits 1 without a username', async () => {
      const res = await cli(['changepassword', '--password', 'pw'], url);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe('Error: changepassword needs a username\n');
    }, TEST_TIMEOUT);

    it('reads both password answers when they are piped in at once', async () => {
      const res = await cli(['changepassword', 'gina'], url, {}, 'piped new\npiped new\n');
      const changed = await hasher.check('piped new', (await userRow('gina'))!.password);
      expect({ ...res, changed }).toEqual({
        code: 0,
        stdout: expect.stringContaining("Password changed successfully for user 'gina'\n"),
        stderr: '',
        changed: true,
      });
    }, TEST_TIMEOUT);

    it('refuses a blank password, keeping the old one', async () => {
      const before = (await userRow('gina'))!.password;
      const res = await cli(['changepassword', 'gina', '--password', ''], url);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe("Error: Blank passwords aren't allowed.\n");
      expect((await userRow('gina'))!.password).toBe(before);
    }, TEST_TIMEOUT);
  });

  describe('flushexpiredtokens', () => {
    it('deletes expired outstanding tokens and their blacklist rows, and nothing else', async () => {
      const insert = async (jti: string, expires: string) =>
        (
          await sql(
            url,
            `INSERT INTO token_blacklist_outstandingtoken (jti, user_id, created_at, expires_at, session_id)
             VALUES ($1, '1', now() - interval '2 days', now() + $2::interval, $1) RETURNING id`,
            [jti, expires],
          )
        )[0].id;
      const expired = await insert('expired-jti', '-1 day');
      const live = await insert('live-jti', '1 day');
      const liveBlacklisted = await insert('live-blacklisted-jti', '1 hour');
      await sql(url, 'INSERT INTO token_blacklist_blacklistedtoken (token_id) VALUES ($1), ($2)', [expired, liveBlacklisted]);

      const count = async () => Number((await sql(url, 'SELECT count(*) AS n FROM token_blacklist_outstandingtoken'))[0].n);
      const before = await count(); // earlier tests logged in: their refresh tokens are outstanding too

      const res = await cli(['flushexpiredtokens'], url);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toBe('Deleted 1 expired token.\n');
      expect(await count()).toBe(before - 1);
      const mine = await sql(url, `SELECT id, jti FROM token_blacklist_outstandingtoken WHERE jti LIKE '%-jti' ORDER BY id`);
      expect(mine).toEqual([
        { id: live, jti: 'live-jti' },
        { id: liveBlacklisted, jti: 'live-blacklisted-jti' },
      ]);
      const blacklisted = await sql(url, 'SELECT token_id FROM token_blacklist_blacklistedtoken');
      expect(blacklisted).toEqual([{ token_id: liveBlacklisted }]);

      const again = await cli(['flushexpiredtokens'], url);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe('Deleted 0 expired tokens.\n');
    }, TEST_TIMEOUT);
  });

  describe('usage', () => {
    const commands = ['migrate', 'createuser', 'createsuperuser', 'changepassword', 'flushexpiredtokens'];

    it('prints the usage and exits 1 without a command', async () => {
      const res = await cli([], url);
      expect(res.code).toBe(1);
      expect(res.stdout).toMatch(/^Usage: node dist\/cli\.js <command> \[options\]/);
      for (const command of commands) expect(res.stdout).toContain(`\n  ${command}`);
    }, TEST_TIMEOUT);

    it('prints the usage and exits 0 for --help', async () => {
      const res = await cli(['--help'], url);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/^Usage: node dist\/cli\.js <command> \[options\]/);
    }, TEST_TIMEOUT);

    it('exits 1 with the usage for an unknown command', async () => {
      const res = await cli(['frobnicate'], url);
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(/^Error: Unknown command: frobnicate\n\nUsage: node dist\/cli\.js <command> \[options\]/);
      for (const command of commands) expect(res.stderr).toContain(`\n  ${command}`);
    }, TEST_TIMEOUT);
  });
});
