import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source.js';
import { DjangoUserImport } from '../src/users/django-import.js';
import { User } from '../src/users/user.entity.js';
import { UsersService } from '../src/users/users.service.js';
import { admin, dropDatabases, freshDatabase, sql, withDatabase } from './support/database.js';
import {
  authUsers,
  contents,
  djangoDatabase,
  dropDjangoDatabases,
  DUMPDATA,
  dumpdataEntries,
  expectedRows,
  type DumpdataEntry,
} from './support/django.js';

const opened: DataSource[] = [];

/** A migrated database of this app, and the import over it (as the CLI will make one). */
async function target() {
  const url = await freshDatabase();
  const dataSource = new DataSource(dataSourceOptions(url, 2));
  await dataSource.initialize();
  opened.push(dataSource);
  return { url, dataSource, importer: new DjangoUserImport(dataSource) };
}

afterAll(async () => {
  for (const dataSource of opened) await dataSource.destroy();
  await dropDjangoDatabases();
  await dropDatabases();
});

const IDS = [1, 2, 3, 5, 6, 7, 8, 9, 10, 11];
const json = (entries: unknown) => JSON.stringify(entries);
const entry = (pk: number) => dumpdataEntries().find((e) => e.pk === pk)!;
const withFields = (e: DumpdataEntry, fields: Record<string, unknown>) => ({ ...e, fields: { ...e.fields, ...fields } });
const count = async (url: string) => (await sql<{ n: number }>(url, 'SELECT count(*)::int AS n FROM auth_user'))[0].n;

describe('Importing the users of manage.py dumpdata auth.user', () => {
  let t: Awaited<ReturnType<typeof target>>;
  let first: Awaited<ReturnType<DjangoUserImport['fromDumpdata']>>;

  beforeAll(async () => {
    t = await target();
    first = await t.importer.fromDumpdata(DUMPDATA);
  });

  it('creates every user with its Django id, username, email, names, flags, timestamps and hash', async () => {
    expect(first).toEqual({ created: 10, updated: 0, unchanged: 0, skipped: [] });
    const rows = (await authUsers(t.url)).map(contents);
    expect(rows).toEqual(expectedRows());
    expect(rows.map((r) => r.id)).toEqual(IDS);
    expect(rows.find((r) => r.username === 'alice')).toMatchObject({
      email: 'alice@example.com',
      first_name: 'Alice',
      last_name: 'Liddell',
      is_staff: true,
      is_superuser: true,
      last_login: '2024-11-02T09:15:01.987000Z',
      date_joined: '2019-05-17T08:30:12.345000Z',
    });
    expect(rows.find((r) => r.id === 11)).toMatchObject({ username: 'zoë.ünal@example', first_name: 'Zoë', last_name: 'Ünal' });
  });

  it('keeps every hash exactly as Django wrote it, whatever the hasher', async () => {
    const rows = await authUsers(t.url);
    const algorithms = rows.map((r) => (r.password.startsWith('!') ? '! (unusable)' : r.password.split('$')[0]));
    expect(algorithms).toEqual(['pbkdf2_sha256', 'pbkdf2_sha1', 'argon2', 'bcrypt_sha256', 'bcrypt', 'scrypt', 'pbkdf2_sha256', 'argon2', '! (unusable)', 'pbkdf2_sha256']);
    expect(rows.map((r) => r.password)).toEqual(dumpdataEntries().map((e) => e.fields.password));
  });

  it('changes nothing when run again: the same rows, not even rewritten (xmin unchanged)', async () => {
    const before = await authUsers(t.url);
    await expect(t.importer.fromDumpdata(DUMPDATA)).resolves.toEqual({ created: 0, updated: 0, unchanged: 10, skipped: [] });
    expect(await authUsers(t.url)).toEqual(before);
  });

  it('brings Django\'s values back over changes made here (Django is the source), and only to those users', async () => {
    await sql(t.url, "UPDATE auth_user SET email = 'bob@elsewhere.example', is_active = false WHERE username = 'bob'");
    await sql(t.url, "UPDATE auth_user SET date_joined = date_joined + interval '1 microsecond' WHERE username = 'carol'");
    const before = await authUsers(t.url);
    await expect(t.importer.fromDumpdata(DUMPDATA)).resolves.toEqual({ created: 0, updated: 2, unchanged: 8, skipped: [] });
    const after = await authUsers(t.url);
    expect(after.map(contents)).toEqual(expectedRows());
    const rewritten = after.filter((row, i) => row.xmin !== before[i].xmin).map((r) => r.username);
    expect(rewritten).toEqual(['bob', 'carol']);
  });

  it('gives users created afterwards ids past the imported ones', async () => {
    const users = new UsersService(t.dataSource.getRepository(User));
    const created = await users.create({ username: 'newcomer', password: 'correct horse' });
    expect(created.id).toBe(12);
  });
});

describe('Users whose id or username someone else holds here', () => {
  let t: Awaited<ReturnType<typeof target>>;

  beforeAll(async () => {
    t = await target();
    await sql(t.url, "INSERT INTO auth_user (id, username, password) VALUES (5, 'squatter', '!held'), (40, 'alice', '!mine')");
  });

  it('are skipped with the reason and never overwritten; the rest are imported', async () => {
    await expect(t.importer.fromDumpdata(DUMPDATA)).resolves.toEqual({
      created: 8,
      updated: 0,
      unchanged: 0,
      skipped: [
        { id: 1, username: 'alice', reason: '"alice" is id 40 here, not 1: tokens name users by id, so it was left as it is' },
        { id: 5, username: 'dave', reason: 'id 5 belongs to "squatter" here: not overwritten' },
      ],
    });
    const rows = await authUsers(t.url);
    expect(rows.map((r) => [r.id, r.username])).toEqual([
      [2, 'bob'], [3, 'carol'], [5, 'squatter'], [6, 'erin'], [7, 'frank'], [8, 'grace'], [9, 'heidi'], [10, 'ivan'], [11, 'zoë.ünal@example'], [40, 'alice'],
    ]);
    expect(rows.filter((r) => r.id === 5 || r.id === 40).map((r) => r.password)).toEqual(['!held', '!mine']);
  });

  it('gives users created afterwards ids past the largest one here', async () => {
    const created = await new UsersService(t.dataSource.getRepository(User)).create({ username: 'newcomer', password: 'correct horse' });
    expect(created.id).toBe(41);
  });
});

describe('Input that is not Django\'s dumpdata of auth.user is refused whole, saying what and where', () => {
  let t: Awaited<ReturnType<typeof target>>;
  const alice = () => entry(1);
  const bob = () => entry(2);
  const refused = (message: string) => ({ name: 'DjangoImportError', message });
  const problems = (...lines: string[]) => refused(`dumpdata: nothing imported, ${lines.length} problem(s):\n  ${lines.join('\n  ')}`);

  beforeAll(async () => {
    t = await target();
  });

  it.each([
    ['text that is not JSON', 'model,pk\nauth.user,1', refused('The input is not JSON: expected the output of manage.py dumpdata auth.user')],
    ['an object', json(alice()), refused('Expected a JSON list, as manage.py dumpdata auth.user writes, not an object')],
    ['a number', '42', refused('Expected a JSON list, as manage.py dumpdata auth.user writes, not a number')],
    ['null', 'null', refused('Expected a JSON list, as manage.py dumpdata auth.user writes, not null')],
    [
      'another model after a good user',
      json([alice(), { model: 'auth.group', pk: 1, fields: { name: 'staff', permissions: [] } }]),
      problems('entry 2 (pk 1): a "auth.group", not an "auth.user": dump with manage.py dumpdata auth.user'),
    ],
    ['an entry that is not an object', json([alice(), 'bob']), problems('entry 2: not an object')],
    [
      'missing fields',
      json([alice(), { model: 'auth.user', pk: 2, fields: { password: 'x', email: '', first_name: '', last_name: '', is_active: true, is_staff: false, is_superuser: false, last_login: null } }]),
      problems('entry 2 (pk 2): "username" is missing', 'entry 2 (pk 2): "date_joined" is missing'),
    ],
    ['no fields at all', json([{ model: 'auth.user', pk: 2 }]), problems('entry 1 (pk 2): no "fields" object')],
    [
      'fields of the wrong type',
      json([withFields(bob(), { is_staff: 'yes', email: null, last_login: 12 })]),
      problems(
        'entry 1 (pk 2, "bob"): "email" is not a string',
        'entry 1 (pk 2, "bob"): "is_staff" is not true or false',
        'entry 1 (pk 2, "bob"): "last_login" is not a date and time: 12',
      ),
    ],
    [
      'a pk that is not an id, and none at all (--natural-primary)',
      json([{ ...alice(), pk: '1' }, { model: 'auth.user', fields: bob().fields }]),
      problems(
        'entry 1 (pk "1", "alice"): "pk" is not an id: "1"',
        'entry 2 ("bob"): no "pk" (dumped with --natural-primary?): ids, which tokens carry, must come along',
      ),
    ],
    [
      'a repeated pk and a repeated username',
      json([alice(), { ...bob(), pk: 1 }, bob()]),
      problems('entry 2 (pk 1, "bob"): pk 1 again', 'entry 3 (pk 2, "bob"): username "bob" again'),
    ],
    [
      'an empty username, one longer than 150 characters, a NUL in a name',
      json([withFields(alice(), { username: '' }), withFields(bob(), { username: 'b'.repeat(151) }), withFields(entry(3), { first_name: 'Ca\u0000rol' })]),
      problems(
        'entry 1 (pk 1, ""): "username" is empty',
        `entry 2 (pk 2, "${'b'.repeat(151)}"): "username" is longer than 150 characters`,
        'entry 3 (pk 3, "carol"): "first_name" holds a NUL character',
      ),
    ],
    [
      'timestamps without a UTC offset (USE_TZ = False) and no time zone given',
      json([withFields(alice(), { date_joined: '2019-05-17T08:30:12.345' })]),
      problems('entry 1 (pk 1, "alice"): "date_joined" has no UTC offset (2019-05-17T08:30:12.345: Django\'s USE_TZ = False): give the time zone Django used (its TIME_ZONE)'),
    ],
  ])('refuses %s', async (_case, input, error) => {
    await expect(t.importer.fromDumpdata(input)).rejects.toMatchObject(error);
    expect(await count(t.url)).toBe(0);
  });

  it('undoes the users it had written when a later one fails in PostgreSQL (a date no calendar has)', async () => {
    const input = json([alice(), withFields(bob(), { date_joined: '2019-02-30T00:00:00Z' })]);
    await expect(t.importer.fromDumpdata(input)).rejects.toMatchObject(
      refused('pk 2 ("bob"): not a valid date and time: date/time field value out of range: "2019-02-30T00:00:00Z"'),
    );
    expect(await count(t.url)).toBe(0);
  });

  it('refuses a time zone PostgreSQL does not know', async () => {
    await expect(t.importer.fromDumpdata(DUMPDATA, { timeZone: 'Mars/Olympus' })).rejects.toMatchObject(refused('Unknown time zone: "Mars/Olympus"'));
    expect(await count(t.url)).toBe(0);
  });

  it('reads timestamps without an offset in the time zone it is given (Django\'s TIME_ZONE)', async () => {
    const naive = withFields(alice(), { date_joined: '2021-06-01T12:00:00.250', last_login: '2021-12-01T12:00:00' });
    await expect(t.importer.fromDumpdata(json([naive]), { timeZone: 'Europe/Paris' })).resolves.toEqual({ created: 1, updated: 0, unchanged: 0, skipped: [] });
    const [row] = await authUsers(t.url);
    expect([row.date_joined, row.last_login]).toEqual(['2021-06-01T10:00:00.250000Z', '2021-12-01T11:00:00.000000Z']);
  });
});

describe('Importing straight from the Django project\'s PostgreSQL database', () => {
  let source: string;
  let fromDatabase: Awaited<ReturnType<typeof target>>;
  let fromJson: Awaited<ReturnType<typeof target>>;
  let report: unknown;

  beforeAll(async () => {
    source = await djangoDatabase();
    [fromDatabase, fromJson] = [await target(), await target()];
    report = await fromDatabase.importer.fromDatabase(source);
    await fromJson.importer.fromDumpdata(DUMPDATA);
  });

  it('loads the pg_dump Django\'s migrate and SimpleJWT made', async () => {
    const tables = await sql<{ name: string }>(source, "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    expect(tables.map((t) => t.name)).toEqual([
      'auth_group', 'auth_group_permissions', 'auth_permission', 'auth_user', 'auth_user_groups', 'auth_user_user_permissions',
      'django_content_type', 'django_migrations', 'token_blacklist_blacklistedtoken', 'token_blacklist_outstandingtoken',
    ]);
    const [tokens] = await sql(source, `SELECT (SELECT count(*)::int FROM token_blacklist_outstandingtoken) AS outstanding,
      (SELECT count(*)::int FROM token_blacklist_blacklistedtoken) AS blacklisted`);
    expect(tokens).toEqual({ outstanding: 7, blacklisted: 2 });
  });

  it('gives the same users as dumpdata, with the microseconds that dumpdata drops', async () => {
    expect(report).toEqual({ created: 10, updated: 0, unchanged: 0, skipped: [] });
    const imported = (await authUsers(fromDatabase.url)).map(contents);
    expect(imported).toEqual((await authUsers(source)).map(contents));
    const toMilliseconds = (time: string | null) => time && time.replace(/(\.\d{3})\d{3}Z$/, '$1000Z');
    const viaJson = (await authUsers(fromJson.url)).map(contents);
    expect(imported.map((r) => ({ ...r, last_login: toMilliseconds(r.last_login), date_joined: toMilliseconds(r.date_joined)! }))).toEqual(viaJson);
    const alice = (rows: typeof imported) => rows.find((r) => r.username === 'alice')!.date_joined;
    expect([alice(imported), alice(viaJson)]).toEqual(['2019-05-17T08:30:12.345678Z', '2019-05-17T08:30:12.345000Z']);
  });

  it('leaves the Django database as it was, and changes nothing when run again', async () => {
    const [sourceBefore, before] = [await authUsers(source), await authUsers(fromDatabase.url)];
    await expect(fromDatabase.importer.fromDatabase(source)).resolves.toEqual({ created: 0, updated: 0, unchanged: 10, skipped: [] });
    expect(await authUsers(source)).toEqual(sourceBefore);
    expect(await authUsers(fromDatabase.url)).toEqual(before);
  });

  it('refuses a database without an auth_user table, and one it cannot reach, saying so', async () => {
    const empty = `empty_${randomBytes(6).toString('hex')}`;
    await admin((client) => client.query(`CREATE DATABASE ${empty}`));
    try {
      await expect(fromDatabase.importer.fromDatabase(withDatabase(process.env.TEST_ADMIN_URL!, empty))).rejects.toMatchObject({
        name: 'DjangoImportError',
        message: 'The Django database has no auth_user table (a custom AUTH_USER_MODEL cannot be imported)',
      });
    } finally {
      await admin((client) => client.query(`DROP DATABASE ${empty}`));
    }
    await expect(fromDatabase.importer.fromDatabase('postgres://django:s3cret@127.0.0.1:1/django')).rejects.toMatchObject({
      name: 'DjangoImportError',
      message: 'Could not connect to the Django database: connect ECONNREFUSED 127.0.0.1:1',
    });
  });
});
