import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createPrivateKey, createPublicKey, pbkdf2Sync, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { PasswordHasher } from '../src/users/password-hasher.js';
import { admin, dropDatabases, freshDatabase, sql, withDatabase } from './support/database.js';
import { DJANGO, djangoDatabase, dropDjangoDatabases, dumpdataEntries } from './support/django.js';
import { startApp, type TestApp } from './support/test-app.js';

/** The project root: the CLI runs from there, as `node dist/cli.js`. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** A child starts Node, loads TypeORM and hashes with argon2: slow on a busy 2-core machine. */
const CHILD_TIMEOUT = 60_000;
const TEST_TIMEOUT = 120_000;

/** A password Django's default validators accept for every user here. */
const STRONG = 'Kx9!vLq2#';
/** What an interactive password entry prints on stdout (the answers are not echoed). */
const PASSWORD_PROMPTS = 'Password: \nPassword (again): \n';
const BYPASS = 'Bypass password validation and create user anyway? [y/N]: ';
const MIGRATIONS_APPLIED =
  'Applied migration CreateAuthUser1732406300000\nApplied migration CreateTokenBlacklist1732406400000\nApplied migration CreateNotes1732406500000\nApplied migration CreateTokenSession1764633600000\n';

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

const emptyDatabases: string[] = [];

/** A database without a single table (not even the migrations table), dropped after the spec. */
async function emptyDatabase(): Promise<string> {
  const name = `test_cli_empty_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  emptyDatabases.push(name);
  return withDatabase(process.env.TEST_ADMIN_URL!, name);
}

async function tables(url: string): Promise<string[]> {
  const rows = await sql(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
  return rows.map((row) => row.table_name);
}

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
    for (const name of emptyDatabases) await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });

  const userRow = async (username: string): Promise<UserRow | undefined> =>
    (await sql<UserRow>(url, 'SELECT * FROM auth_user WHERE username = $1', [username]))[0];

  describe('migrate', () => {
    let empty: string;

    beforeAll(async () => {
      empty = await emptyDatabase();
    }, TEST_TIMEOUT);

    it('creates auth_user and the token_blacklist tables on an empty database, and is a no-op the second time', async () => {
      expect(await tables(empty)).toEqual([]);

      const first = await cli(['migrate'], empty);
      expect(first).toEqual({ code: 0, stdout: MIGRATIONS_APPLIED, stderr: '' });
      expect(await tables(empty)).toEqual([
        'auth_user',
        'notes_note',
        'token_blacklist_blacklistedtoken',
        'token_blacklist_outstandingtoken',
        'token_session',
        'typeorm_migrations',
      ]);
      const migrations = async () => (await sql(empty, 'SELECT id, name FROM typeorm_migrations ORDER BY id')).map((r) => `${r.id} ${r.name}`);
      const applied = await migrations();
      expect(applied).toEqual([
        expect.stringMatching(/ CreateAuthUser1732406300000$/),
        expect.stringMatching(/ CreateTokenBlacklist1732406400000$/),
        expect.stringMatching(/ CreateNotes1732406500000$/),
        expect.stringMatching(/ CreateTokenSession1764633600000$/),
      ]);

      await sql(empty, `INSERT INTO auth_user (username, password) VALUES ('survivor', '!')`);
      const second = await cli(['migrate'], empty);
      expect(second).toEqual({ code: 0, stdout: 'No migrations to apply.\n', stderr: '' });
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

    it('honours --inactive, --staff, --superuser (which implies staff) and all of them', async () => {
      const cases: [string, string[], Partial<UserRow>][] = [
        ['sleeper', ['--inactive'], { is_active: false, is_staff: false, is_superuser: false }],
        ['stafford', ['--staff'], { is_active: true, is_staff: true, is_superuser: false }],
        ['supe', ['--superuser'], { is_active: true, is_staff: true, is_superuser: true }],
        ['everything', ['--inactive', '--staff', '--superuser'], { is_active: false, is_staff: true, is_superuser: true }],
      ];
      const outcomes = await Promise.all(cases.map(([username, flags]) => cli(['createuser', '--username', username, '--password', STRONG, ...flags], url)));
      for (const [i, [username, , expected]] of cases.entries()) {
        const row = await userRow(username);
        expect(outcomes[i]).toEqual({ code: 0, stdout: `User "${username}" created (id ${row!.id}).\n`, stderr: '' });
        expect(row).toMatchObject({ ...expected, email: '' });
      }
    }, TEST_TIMEOUT);

    it('stores --email, its domain lowercased as Django normalizes it', async () => {
      const res = await cli(['createuser', '--username', 'emma', '--password', STRONG, '--email', 'Emma@Example.COM'], url);
      expect(res.code).toBe(0);
      expect((await userRow('emma'))!.email).toBe('Emma@example.com');
    }, TEST_TIMEOUT);

    it('refuses a username that is taken, changing nothing', async () => {
      const before = await userRow('taken');
      const res = await cli(['createuser', '--username', 'taken', '--password', STRONG], url);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe('Error: That username is already taken.\n');
      expect(res.stdout).toBe('');
      expect(await userRow('taken')).toEqual(before);
    }, TEST_TIMEOUT);

    it('exits 2 without --username or --password', async () => {
      const [noPassword, noUsername] = await Promise.all([
        cli(['createuser', '--username', 'nopass'], url),
        cli(['createuser', '--password', STRONG], url),
      ]);
      const hint = '(see: node dist/cli.js createuser --help)';
      expect(noPassword).toEqual({ code: 2, stdout: '', stderr: `Error: createuser: missing option '--password' ${hint}\n` });
      expect(noUsername).toEqual({ code: 2, stdout: '', stderr: `Error: createuser: missing option '--username' ${hint}\n` });
      expect(await userRow('nopass')).toBeUndefined();
    }, TEST_TIMEOUT);

    it("refuses, with Django's messages, a password its default validators refuse, a blank one and a bad email", async () => {
      const refused = async (username: string, password: string, email?: string) => {
        const res = await cli(['createuser', '--username', username, '--password', password, ...(email ? ['--email', email] : [])], url);
        return { ...res, created: (await userRow(username)) !== undefined };
      };
      const outcomes = await Promise.all([
        refused('alice', 'alice123'),
        refused('shorty', 'a'),
        refused('numbers', '12345678'),
        refused('commoner', 'password'),
        refused('mailer', 'mailer@example.com!', 'mailer@example.com'),
        refused('blank', ''),
        refused('spaces', '   '),
        refused('badmail', STRONG, 'notanemail'),
      ]);
      const errors = (...lines: string[]) => ({ code: 1, stdout: '', stderr: lines.map((line) => `Error: ${line}\n`).join(''), created: false });
      expect(outcomes).toEqual([
        errors('The password is too similar to the username.', 'This password is too common.'),
        errors('This password is too short. It must contain at least 8 characters.', 'This password is too common.'),
        errors('This password is too common.', 'This password is entirely numeric.'),
        errors('This password is too common.'),
        errors('The password is too similar to the email address.'),
        errors("Blank passwords aren't allowed."),
        errors("Blank passwords aren't allowed."),
        errors('Enter a valid email address.'),
      ]);
    }, TEST_TIMEOUT);

    it('--skip-password-validation stores a password the validators refuse (never a blank one)', async () => {
      const res = await cli(['createuser', '--username', 'skipper', '--password', 'a', '--skip-password-validation'], url);
      const row = await userRow('skipper');
      expect(res).toEqual({ code: 0, stdout: `User "skipper" created (id ${row!.id}).\n`, stderr: '' });
      expect(await hasher.check('a', row!.password)).toBe(true);
      const blank = await cli(['createuser', '--username', 'blankskip', '--password', ' ', '--skip-password-validation'], url);
      expect(blank).toEqual({ code: 1, stdout: '', stderr: "Error: Blank passwords aren't allowed.\n" });
      expect(await userRow('blankskip')).toBeUndefined();
    }, TEST_TIMEOUT);

    it.each([
      ['a space', 'bad name', 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'],
      ['a slash', 'bad/name', 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'],
      ['151 characters', 'a'.repeat(151), 'Ensure this value has at most 150 characters (it has 151).'],
    ])('refuses a username with %s, with Django\'s message', async (_case, username, message) => {
      const res = await cli(['createuser', '--username', username, '--password', STRONG], url);
      expect(res).toEqual({ code: 1, stdout: '', stderr: `Error: ${message}\n` });
      expect(await userRow(username)).toBeUndefined();
    }, TEST_TIMEOUT);

    it('accepts the characters Django allows: letters, digits and @ . + - _', async () => {
      const res = await cli(['createuser', '--username', 'zoë.o+k-1_@x', '--password', STRONG], url);
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
      const res = await cli(['createsuperuser', '--no-input'], url, { DJANGO_SUPERUSER_PASSWORD: STRONG });
      expect(res.code).toBe(1);
      expect(res.stderr).toBe('Error: You must use --username with --no-input (or set DJANGO_SUPERUSER_USERNAME).\n');
    }, TEST_TIMEOUT);

    it('--no-input refuses a taken username', async () => {
      const before = await userRow('taken');
      const res = await cli(['createsuperuser', '--no-input', '--username', 'taken'], url, { DJANGO_SUPERUSER_PASSWORD: STRONG });
      expect(res.code).toBe(1);
      expect(res.stderr).toBe('Error: That username is already taken.\n');
      expect(await userRow('taken')).toEqual(before);
    }, TEST_TIMEOUT);

    it("--no-input refuses what Django's validators refuse, unless --skip-password-validation", async () => {
      const env = (password: string, email = '') => ({ DJANGO_SUPERUSER_PASSWORD: password, DJANGO_SUPERUSER_EMAIL: email });
      const [common, badEmail, skipped] = await Promise.all([
        cli(['createsuperuser', '--no-input', '--username', 'weakadmin'], url, env('password')),
        cli(['createsuperuser', '--noinput', '--username', 'mailadmin'], url, env(STRONG, 'notanemail')),
        cli(['createsuperuser', '--no-input', '--username', 'skipadmin', '--skip-password-validation'], url, env('12345678')),
      ]);
      expect(common).toEqual({ code: 1, stdout: '', stderr: 'Error: This password is too common.\n' });
      expect(badEmail).toEqual({ code: 1, stdout: '', stderr: 'Error: Enter a valid email address.\n' });
      expect(skipped).toEqual({ code: 0, stdout: 'Superuser created successfully.\n', stderr: '' });
      expect(await userRow('weakadmin')).toBeUndefined();
      expect(await userRow('mailadmin')).toBeUndefined();
      expect(await hasher.check('12345678', (await userRow('skipadmin'))!.password)).toBe(true);
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
      run.child.stdin.write('pw two 22\n');
      await run.waitFor('Password (again): ', at);
      run.child.stdin.write('pw two 22\n');
      run.child.stdin.end();
      const res = await run.done;
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).not.toContain('Username: ');
      expect(res.stdout).not.toContain('Email address: ');
      expect(await userRow('root2')).toMatchObject({ email: 'root2@example.com', is_staff: true, is_superuser: true });
    }, TEST_TIMEOUT);

    it("asks again, in Django's words, after a taken, invalid or blank username, a bad email, blank or mismatched passwords, and a refused password not bypassed", async () => {
      const answers = [
        ['taken', 'bad name', '', 'flowadmin'], // usernames
        ['notanemail', 'Flow@Example.COM'], // emails
        ['', ''], // blank
        [STRONG, STRONG + 'x'], // mismatch
        ['flowadmin1', 'flowadmin1', 'n'], // too similar: not bypassed
        ['12345678', '12345678', ''], // common and numeric: not bypassed
        [STRONG, STRONG],
      ].flat();
      const res = await cli(['createsuperuser'], url, {}, answers.map((answer) => `${answer}\n`).join(''));
      expect(res).toEqual({
        code: 0,
        stdout: 'Username: '.repeat(4) + 'Email address: '.repeat(2) + PASSWORD_PROMPTS.repeat(3) + (BYPASS + PASSWORD_PROMPTS).repeat(2) + 'Superuser created successfully.\n',
        stderr: [
          'Error: That username is already taken.',
          'Error: Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
          'Error: This field cannot be blank.',
          'Error: Enter a valid email address.',
          "Error: Blank passwords aren't allowed.",
          "Error: Your passwords didn't match.",
          'The password is too similar to the username.',
          'This password is too common.',
          'This password is entirely numeric.',
          '',
        ].join('\n'),
      });
      const row = await userRow('flowadmin');
      expect(row).toMatchObject({ email: 'Flow@example.com', is_staff: true, is_superuser: true });
      expect(await hasher.check(STRONG, row!.password)).toBe(true);
    }, TEST_TIMEOUT);

    it('asks for the username and email again when the ones given are taken or invalid, and creates the user when told to bypass validation', async () => {
      const res = await cli(['createsuperuser', '--username', 'taken', '--email', 'notanemail'], url, {}, 'weakling\n\nweakling1\nweakling1\nY\n');
      expect(res).toEqual({
        code: 0,
        stdout: 'Username: Email address: ' + PASSWORD_PROMPTS + BYPASS + 'Superuser created successfully.\n',
        stderr: 'Error: That username is already taken.\nError: Enter a valid email address.\nThe password is too similar to the username.\n',
      });
      const row = await userRow('weakling');
      expect(row).toMatchObject({ email: '', is_staff: true, is_superuser: true });
      expect(await hasher.check('weakling1', row!.password)).toBe(true);
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
      const res = await cli(['createsuperuser', '--username', 'eof', '--email', 'eof@example.com'], url, {}, 'one\ntwo\n');
      expect(res).toEqual({
        code: 1,
        stdout: PASSWORD_PROMPTS + 'Password: \n',
        stderr: "Error: Your passwords didn't match.\nError: No answer: the input ended before every question was answered.\n",
      });
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
      expect((await cli(['createuser', '--username', 'ivan', '--password', STRONG, '--inactive'], url)).code).toBe(0);
      const res = await obtain('ivan', STRONG);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'No active account found with the given credentials' });
    }, TEST_TIMEOUT);

    it('changepassword U --password NEW: the new password logs in, the old one no longer does, and every session ends', async () => {
      expect((await cli(['createuser', '--username', 'erin', '--password', 'old pass'], url)).code).toBe(0);
      const first = await obtain('erin', 'old pass');
      expect(first.status).toBe(200);
      expect((await obtain('erin', 'old pass')).status).toBe(200);
      const res = await cli(['changepassword', 'erin', '--password', 'new pass'], url);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toBe("Password changed successfully for user 'erin'\nEnded 2 sessions.\n");
      expect((await t.http().get('/api/me/').set('Authorization', `Bearer ${first.body.access}`)).status).toBe(401);
      expect((await t.http().post('/api/token/refresh/').send({ refresh: first.body.refresh })).status).toBe(401);
      expect((await userRow('erin'))!.password).toMatch(ARGON2);
      expect((await obtain('erin', 'new pass')).status).toBe(200);
      const old = await obtain('erin', 'old pass');
      expect(old.status).toBe(401);
      expect(old.body).toEqual({ detail: 'No active account found with the given credentials' });
    }, TEST_TIMEOUT);

    it("listsessions shows a user's live sessions; revokesessions ends one, or all, and their tokens stop working", async () => {
      expect((await cli(['createuser', '--username', 'fay', '--password', 'fay pass word'], url)).code).toBe(0);
      const phone = (await t.http().post('/api/token/').set('User-Agent', 'phone/1').send({ username: 'fay', password: 'fay pass word' })).body;
      const laptop = (await t.http().post('/api/token/').set('User-Agent', 'laptop/1').send({ username: 'fay', password: 'fay pass word' })).body;
      const sid = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid as string;
      const listed = await cli(['listsessions', 'fay'], url);
      expect(listed.code).toBe(0);
      const lines = listed.stdout.trim().split('\n');
      expect(lines.map((line) => line.split('  ')[0])).toEqual([sid(laptop.access), sid(phone.access)]);
      expect(lines[0]).toMatch(/^[0-9a-f]{32}  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  .+Z  .+Z  127\.0\.0\.1  "laptop\/1"$/);
      const me = (access: string) => t.http().get('/api/me/').set('Authorization', `Bearer ${access}`);

      const one = await cli(['revokesessions', 'fay', '--session', sid(phone.access)], url);
      expect(one).toEqual({ code: 0, stdout: `Ended session ${sid(phone.access)} of user 'fay'.\n`, stderr: '' });
      expect((await me(phone.access)).status).toBe(401);
      expect((await me(laptop.access)).status).toBe(200);
      const again = await cli(['revokesessions', 'fay', '--session', sid(phone.access)], url);
      expect(again).toEqual({ code: 1, stdout: '', stderr: `Error: user 'fay' has no live session ${sid(phone.access)}\n` });

      const all = await cli(['revokesessions', 'fay'], url);
      expect(all).toEqual({ code: 0, stdout: "Ended 1 session of user 'fay'.\n", stderr: '' });
      expect((await me(laptop.access)).status).toBe(401);
      expect(await cli(['listsessions', 'fay'], url)).toEqual({ code: 0, stdout: "No live sessions for user 'fay'.\n", stderr: '' });
      expect((await cli(['listsessions', 'nobody-here'], url)).stderr).toBe("Error: user 'nobody-here' does not exist\n");
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

  describe('generatekey', () => {
    it('prints a new key for the algorithm, opening no database; the server signs and verifies with it', async () => {
      const bare = await emptyDatabase();
      const es = await cli(['generatekey', '--algorithm', 'ES256', '--public'], bare);
      expect(es.code).toBe(0);
      expect(es.stderr).toBe('');
      const [privatePem, publicPem] = es.stdout.split(/(?<=-----END PRIVATE KEY-----)\n/);
      const key = createPrivateKey(privatePem);
      expect([key.asymmetricKeyType, key.asymmetricKeyDetails?.namedCurve]).toEqual(['ec', 'prime256v1']);
      expect(createPublicKey(publicPem).export({ format: 'jwk' })).toEqual(createPublicKey(key).export({ format: 'jwk' }));
      const ed = await cli(['generatekey', '--algorithm', 'EdDSA'], bare);
      expect(createPrivateKey(ed.stdout).asymmetricKeyType).toBe('ed25519');
      const hs = await cli(['generatekey', '--algorithm', 'HS512'], bare);
      expect(hs.stdout).toMatch(/^[A-Za-z0-9_-]{86}\n$/); // 64 random bytes
      const byDefault = await cli(['generatekey'], bare, { JWT_ALGORITHM: 'RS384' });
      expect(createPrivateKey(byDefault.stdout).asymmetricKeyDetails?.modulusLength).toBe(3072);
      expect(await tables(bare)).toEqual([]);

      const t = await startApp({ JWT_ALGORITHM: 'ES256', JWT_SIGNING_KEY: privatePem }, url);
      try {
        await t.users.create({ username: 'keyed', password: 'keyed pass word' });
        const res = await t.http().post('/api/token/').send({ username: 'keyed', password: 'keyed pass word' });
        expect(res.status).toBe(200);
        expect((await t.http().get('/api/me/').set('Authorization', `Bearer ${res.body.access}`)).status).toBe(200);
      } finally {
        await t.close();
      }
    }, TEST_TIMEOUT);

    it('refuses an unknown algorithm, and --public for an HMAC secret: exit 2, nothing printed', async () => {
      const bad = await cli(['generatekey', '--algorithm', 'none'], url);
      expect(bad).toEqual({
        code: 2,
        stdout: '',
        stderr: "Error: generatekey: --algorithm: expected one of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, got 'none' (see: node dist/cli.js generatekey --help)\n",
      });
      const hmac = await cli(['generatekey', '--algorithm', 'HS256', '--public'], url);
      expect([hmac.code, hmac.stdout]).toEqual([2, '']);
    }, TEST_TIMEOUT);
  });

  describe('importdjangousers', () => {
    const FIXTURE = join(ROOT, 'test/fixtures/django/dumpdata-users.json');
    let target: string;

    beforeAll(async () => {
      target = await emptyDatabase();
    }, TEST_TIMEOUT);
    afterAll(() => dropDjangoDatabases());

    it("imports manage.py dumpdata auth.user, keeping every hash; a second run changes nothing; they log in with Django's passwords", async () => {
      const users = dumpdataEntries();
      const first = await cli(['importdjangousers', '--from-json', FIXTURE], target);
      expect(first).toEqual({ code: 0, stdout: `Imported ${users.length} new users; 0 updated, 0 unchanged, 0 skipped.\n`, stderr: '' });
      const rows = await sql(target, 'SELECT id, username, password FROM auth_user ORDER BY id');
      expect(rows).toEqual(users.map((u) => ({ id: u.pk, username: u.fields.username, password: u.fields.password })).sort((a, b) => a.id - b.id));
      const second = await cli(['importdjangousers', '--from-json', FIXTURE], target);
      expect(second).toEqual({ code: 0, stdout: `Imported 0 new users; 0 updated, ${users.length} unchanged, 0 skipped.\n`, stderr: '' });

      const t = await startApp({}, target);
      try {
        const active = DJANGO.users.find((u) => u.is_active && u.password !== null)!;
        const res = await t.http().post('/api/token/').send({ username: active.username, password: active.password });
        expect(res.status).toBe(200);
      } finally {
        await t.close();
      }
    }, TEST_TIMEOUT);

    it('imports from the Django database itself', async () => {
      const other = await emptyDatabase();
      const res = await cli(['importdjangousers', '--from-database', await djangoDatabase()], other);
      expect(res.code).toBe(0);
      expect(res.stdout).toBe(`Imported ${dumpdataEntries().length} new users; 0 updated, 0 unchanged, 0 skipped.\n`);
    }, TEST_TIMEOUT);

    it('refuses a command line without exactly one source (exit 2), and an unreadable file or bad JSON (exit 1), importing nobody', async () => {
      const bare = await emptyDatabase();
      const neither = await cli(['importdjangousers'], bare);
      expect([neither.code, neither.stdout]).toEqual([2, '']);
      expect(neither.stderr).toBe('Error: importdjangousers: give exactly one of --from-json and --from-database (see: node dist/cli.js importdjangousers --help)\n');
      expect((await cli(['importdjangousers', '--from-json', FIXTURE, '--from-database', 'postgres://x'], bare)).code).toBe(2);
      const missing = await cli(['importdjangousers', '--from-json', '/nonexistent/users.json'], bare);
      expect(missing).toEqual({ code: 1, stdout: '', stderr: 'Error: cannot read /nonexistent/users.json: ENOENT\n' });
      const garbage = await cli(['importdjangousers', '--from-json', '-'], bare, {}, 'not json');
      expect(garbage.code).toBe(1);
      expect(garbage.stderr).toMatch(/^Error: /);
      expect(await tables(bare)).toContain('auth_user');
      expect(await sql(bare, 'SELECT id FROM auth_user')).toEqual([]);
    }, TEST_TIMEOUT);
  });

  describe('changepassword', () => {
    beforeAll(async () => {
      await sql(url, `INSERT INTO auth_user (username, password, email) VALUES ('gina', $1, 'gina.lollobrigida@example.com')`, [
        djangoPbkdf2('gina pass'),
      ]);
    });

    it('exits 1 for an unknown user', async () => {
      const res = await cli(['changepassword', 'nobody', '--password', 'pw'], url);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe("Error: user 'nobody' does not exist\n");
      expect(await userRow('nobody')).toBeUndefined();
    }, TEST_TIMEOUT);

    it('exits 2 without a username', async () => {
      const res = await cli(['changepassword', '--password', STRONG], url);
      expect(res).toEqual({
        code: 2,
        stdout: '',
        stderr: 'Error: changepassword: missing argument <username> (see: node dist/cli.js changepassword --help)\n',
      });
    }, TEST_TIMEOUT);

    it('asks again after a mismatch, reading the answers piped in at once', async () => {
      const res = await cli(['changepassword', 'gina'], url, {}, 'piped one\npiped two\npiped new\npiped new\n');
      const changed = await hasher.check('piped new', (await userRow('gina'))!.password);
      expect({ ...res, changed }).toEqual({
        code: 0,
        stdout: "Changing password for user 'gina'\n" + PASSWORD_PROMPTS.repeat(2) + "Password changed successfully for user 'gina'\n",
        stderr: "Error: Your passwords didn't match.\n",
        changed: true,
      });
    }, TEST_TIMEOUT);

    it('gives up after three attempts (mismatch, blank, refused by the validators), keeping the old password', async () => {
      const before = (await userRow('gina'))!.password;
      // Django compares with the user's attributes as stored: here the email's parts.
      const res = await cli(['changepassword', 'gina'], url, {}, 'one\ntwo\n\n\nLollobrigida!\nLollobrigida!\nnever asked\n');
      expect(res).toEqual({
        code: 1,
        stdout: "Changing password for user 'gina'\n" + PASSWORD_PROMPTS.repeat(3),
        stderr: [
          "Error: Your passwords didn't match.",
          "Error: Blank passwords aren't allowed.",
          'The password is too similar to the email address.',
          "Error: Aborting password change for user 'gina' after 3 attempts",
          '',
        ].join('\n'),
      });
      expect((await userRow('gina'))!.password).toBe(before);
    }, TEST_TIMEOUT);

    it('--password: refused by the validators (exit 1, unchanged) unless --skip-password-validation', async () => {
      const before = (await userRow('gina'))!.password;
      const refused = await cli(['changepassword', 'gina', '--password', 'Lollobrigida!'], url);
      expect(refused).toEqual({ code: 1, stdout: '', stderr: 'Error: The password is too similar to the email address.\n' });
      expect((await userRow('gina'))!.password).toBe(before);
      const skipped = await cli(['changepassword', 'gina', '--password', 'Lollobrigida!', '--skip-password-validation'], url);
      expect(skipped).toEqual({ code: 0, stdout: "Password changed successfully for user 'gina'\n", stderr: '' });
      expect(await hasher.check('Lollobrigida!', (await userRow('gina'))!.password)).toBe(true);
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
    it('deletes expired outstanding tokens and their blacklist rows, and sessions that can serve nothing more; nothing else', async () => {
      const insert = async (jti: string, expires: string) =>
        (
          await sql(
            url,
            `INSERT INTO token_blacklist_outstandingtoken (jti, user_id, created_at, expires_at)
             VALUES ($1, '1', now() - interval '2 days', now() + $2::interval) RETURNING id`,
            [jti, expires],
          )
        )[0].id;
      const expired = await insert('expired-jti', '-1 day');
      const live = await insert('live-jti', '1 day');
      const liveBlacklisted = await insert('live-blacklisted-jti', '1 hour');
      await sql(url, 'INSERT INTO token_blacklist_blacklistedtoken (token_id) VALUES ($1), ($2)', [expired, liveBlacklisted]);

      // Sessions: past their absolute end, or whose last refresh token expired, go; a revoked one stays until then.
      const session = (id: string, expiresAt: string, liveExp: string, revoked = false) =>
        sql(
          url,
          `INSERT INTO token_session (id, user_id, expires_at, live_jti, live_iat, live_exp, revoked_at)
           VALUES ($1, '1', now() + $2::interval, $1, 0, floor(extract(epoch FROM now() + $3::interval)), CASE WHEN $4 THEN now() END)`,
          [id, expiresAt, liveExp, revoked],
        );
      await session('flush-ended', '-1 minute', '1 day');
      await session('flush-refresh-expired', '1 day', '-1 minute');
      await session('flush-live', '1 day', '1 hour');
      await session('flush-revoked', '1 day', '1 hour', true);
      const expiredSessions = Number(
        (await sql(url, `SELECT count(*) AS n FROM token_session WHERE expires_at < now() OR live_exp < extract(epoch FROM now())`))[0].n,
      );
      expect(expiredSessions).toBeGreaterThanOrEqual(2);
      const count = async () => Number((await sql(url, 'SELECT count(*) AS n FROM token_blacklist_outstandingtoken'))[0].n);
      const before = await count(); // earlier tests logged in: their refresh tokens are outstanding too

      // Asking for help, or a bad command line, deletes nothing.
      const [help, h, unexpected] = await Promise.all([
        cli(['flushexpiredtokens', '--help'], url),
        cli(['flushexpiredtokens', '-h'], url),
        cli(['flushexpiredtokens', 'now'], url),
      ]);
      expect([help.code, h.code, unexpected.code]).toEqual([0, 0, 2]);
      expect(help.stdout).toMatch(/^Usage: node dist\/cli\.js flushexpiredtokens\n/);
      expect(await count()).toBe(before);

      const res = await cli(['flushexpiredtokens'], url);
      expect(res).toEqual({ code: 0, stdout: `Deleted 1 expired token and ${expiredSessions} expired sessions.\n`, stderr: '' });
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
      expect(again.stdout).toBe('Deleted 0 expired tokens and 0 expired sessions.\n');
      const left = await sql(url, `SELECT id FROM token_session WHERE id LIKE 'flush-%' ORDER BY id`);
      expect(left).toEqual([{ id: 'flush-live' }, { id: 'flush-revoked' }]);
    }, TEST_TIMEOUT);
  });

  describe('help, and command lines it refuses: nothing is run, nothing opened', () => {
    /** Every command migrates before it runs: a database still without tables was never opened. */
    let bare: string;
    const commands = ['changepassword', 'createsuperuser', 'createuser', 'flushexpiredtokens', 'generatekey', 'importdjangousers', 'listsessions', 'migrate', 'revokesessions'];
    /** What createsuperuser --no-input would need to create someone. */
    const superuser = { DJANGO_SUPERUSER_USERNAME: 'helpadmin', DJANGO_SUPERUSER_PASSWORD: STRONG };

    beforeAll(async () => {
      bare = await emptyDatabase();
    }, TEST_TIMEOUT);

    it('node dist/cli.js --help, -h and help print the list of commands, exit 0', async () => {
      const outcomes = await Promise.all([['--help'], ['-h'], ['help']].map((args) => cli(args, bare)));
      const usage = [
        'Usage: node dist/cli.js <command> [options]   (or: npm run cli -- <command> [options])',
        '',
        "Commands (named as Django's manage.py names them):",
        "  changepassword      Set a user's password, prompting for it twice unless --password is given; ends all of the user's sessions",
        '  createsuperuser     Create a staff superuser, prompting for what is missing',
        '  createuser          Create a user without prompting (for scripts)',
        '  flushexpiredtokens  Delete expired outstanding and blacklisted tokens, and sessions that can serve no token any more',
        '  generatekey         Print a new signing key for JWT_SIGNING_KEY (nothing is stored)',
        '  importdjangousers   Import the users of a Django project, keeping their password hashes',
        "  listsessions        List a user's live sessions, newest first",
        '  migrate             Apply pending database migrations',
        "  revokesessions      End all of a user's sessions, or one of them with --session",
        '',
        "node dist/cli.js <command> --help (or: node dist/cli.js help <command>) shows a command's options.",
        'Exit status: 0 done, 1 refused or failed, 2 bad command line (then nothing was run).',
        '',
      ].join('\n');
      for (const outcome of outcomes) expect(outcome).toEqual({ code: 0, stdout: usage, stderr: '' });

      const none = await cli([], bare);
      expect(none).toEqual({ code: 2, stdout: '', stderr: usage });
      expect(await tables(bare)).toEqual([]);
    }, TEST_TIMEOUT);

    it.each(commands)('%s: --help, -h and `help <command>` print its usage, exit 0, and run nothing', async (command) => {
      const runs = [
        [command, '--help'],
        [command, '-h'],
        ['help', command],
        // Help wins over everything else on the line, however wrong.
        [command, '--username', 'helpuser', '--password', STRONG, '--nope', '--help'],
        [command, '--no-input', 'helpuser', '-h'],
      ];
      const outcomes = await Promise.all(runs.map((args) => cli(args, bare, superuser)));
      const usage = outcomes[0].stdout;
      expect(usage.split('\n')[0]).toBe(
        {
          changepassword: 'Usage: node dist/cli.js changepassword <username> [--password <password>] [--skip-password-validation]',
          createsuperuser: 'Usage: node dist/cli.js createsuperuser [--username <username>] [--email <email>] [--no-input] [--skip-password-validation]',
          createuser:
            'Usage: node dist/cli.js createuser --username <username> --password <password> [--email <email>] [--inactive] [--staff] [--superuser] [--skip-password-validation]',
          flushexpiredtokens: 'Usage: node dist/cli.js flushexpiredtokens',
          generatekey: 'Usage: node dist/cli.js generatekey [--algorithm <algorithm>] [--public]',
          importdjangousers: 'Usage: node dist/cli.js importdjangousers (--from-json <file> | --from-database <url>) [--time-zone <zone>]',
          listsessions: 'Usage: node dist/cli.js listsessions <username>',
          migrate: 'Usage: node dist/cli.js migrate',
          revokesessions: 'Usage: node dist/cli.js revokesessions <username> [--session <id>]',
        }[command],
      );
      expect(usage).toContain('\n  -h, --help  ');
      if (['changepassword', 'createsuperuser', 'createuser'].includes(command)) {
        expect(usage).toContain('\n  --skip-password-validation  ');
        expect(usage).toContain("Passwords must pass Django's default validators");
      }
      for (const outcome of outcomes) expect(outcome).toEqual({ code: 0, stdout: usage, stderr: '' });
      expect(await tables(bare)).toEqual([]);
    }, TEST_TIMEOUT);

    it('an unknown option, a missing value, a stray argument or an unknown command: one line on stderr, exit 2', async () => {
      const see = (command?: string) => `(see: node dist/cli.js ${command ? `${command} ` : ''}--help)`;
      const cases: [string[], string][] = [
        [['createuser', '--nope'], `Error: createuser: unknown option '--nope' ${see('createuser')}`],
        [['createuser', '-x', '--username', 'u'], `Error: createuser: unknown option '-x' ${see('createuser')}`],
        [['createuser', '--username', 'u', '--password'], `Error: createuser: option '--password' needs a value ${see('createuser')}`],
        [
          ['createuser', '--username', '--password', STRONG],
          `Error: createuser: option '--username' needs a value; for one starting with '-', write --username=VALUE ${see('createuser')}`,
        ],
        [['createuser', '--staff=yes'], `Error: createuser: option '--staff' does not take a value ${see('createuser')}`],
        [['createuser', 'extra'], `Error: createuser: unexpected argument 'extra' ${see('createuser')}`],
        [['createsuperuser', '--no-input', '--nope'], `Error: createsuperuser: unknown option '--nope' ${see('createsuperuser')}`],
        [['createsuperuser', '--username'], `Error: createsuperuser: option '--username' needs a value ${see('createsuperuser')}`],
        [['changepassword'], `Error: changepassword: missing argument <username> ${see('changepassword')}`],
        [['changepassword', 'gina', 'extra'], `Error: changepassword: unexpected argument 'extra' ${see('changepassword')}`],
        [['changepassword', 'gina', '--nope'], `Error: changepassword: unknown option '--nope' ${see('changepassword')}`],
        [['migrate', '--fake'], `Error: migrate: unknown option '--fake' ${see('migrate')}`],
        [['migrate', 'auth'], `Error: migrate: unexpected argument 'auth' ${see('migrate')}`],
        [['flushexpiredtokens', '--all'], `Error: flushexpiredtokens: unknown option '--all' ${see('flushexpiredtokens')}`],
        [['frobnicate'], `Error: unknown command 'frobnicate' ${see()}`],
        [['--nope'], `Error: unknown option '--nope' ${see()}`],
        [['help', 'frobnicate'], `Error: unknown command 'frobnicate' ${see()}`],
      ];
      const outcomes = await Promise.all(cases.map(([args]) => cli(args, bare, superuser)));
      expect(outcomes).toEqual(cases.map(([, line]) => ({ code: 2, stdout: '', stderr: `${line}\n` })));
      expect(await tables(bare)).toEqual([]);
    }, TEST_TIMEOUT);
  });

  describe('with the embedded PostgreSQL (no DATABASE_URL)', () => {
    let dir: string;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'simplejwt-cli-'));
      chmodSync(dir, 0o755); // the postgres user must reach the cluster inside
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('prints only results on stdout, and nothing on stderr: no Nest, TypeORM or PostgreSQL lines', async () => {
      // Makes the cluster (initdb), starts it, migrates, and stops it: all of which PostgreSQL reports on.
      const migrated = await cli(['migrate'], '', { DATA_DIR: dir });
      expect(migrated).toEqual({ code: 0, stdout: MIGRATIONS_APPLIED, stderr: '' });
    }, TEST_TIMEOUT);
  });
});
