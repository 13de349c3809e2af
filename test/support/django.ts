import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { admin, sql, withDatabase } from './database.js';

/** The fixtures scripts/django/generate.sh made with Django 3.2 and SimpleJWT 5.2.2. */
const fixture = (name: string) => readFileSync(new URL(`../fixtures/django/${name}`, import.meta.url), 'utf8');

/** The text of `manage.py dumpdata auth.user`. */
export const DUMPDATA = fixture('dumpdata-users.json');

export interface DumpdataEntry {
  model: string;
  pk: number;
  fields: Record<string, string | boolean | null | unknown[]>;
}

export const dumpdataEntries = (): DumpdataEntry[] => JSON.parse(DUMPDATA);

/** django-simplejwt.json: the plaintext passwords, SimpleJWT's settings, the tokens it issued. */
export interface DjangoFixture {
  simple_jwt: { SIGNING_KEY: string; ALGORITHM: string; ACCESS_TOKEN_LIFETIME_SECONDS: number; REFRESH_TOKEN_LIFETIME_SECONDS: number };
  users: { id: number; username: string; password: string | null; hasher: string | null; is_active: boolean; is_staff: boolean; is_superuser: boolean }[];
  refresh_tokens: { username: string; user_id: number; jti: string; blacklisted: boolean; token: string }[];
  access_tokens: { username: string; user_id: number; jti: string; token: string }[];
}

export const DJANGO: DjangoFixture = JSON.parse(fixture('django-simplejwt.json'));

/** alice as GET /api/me/ shows her: to the millisecond (dumpdata keeps no more, and a JavaScript date holds no more). */
export const ALICE_VIEW = {
  id: 1,
  username: 'alice',
  email: 'alice@example.com',
  first_name: 'Alice',
  last_name: 'Liddell',
  is_staff: true,
  is_superuser: true,
  is_active: true,
  last_login: '2024-11-02T09:15:01.987000Z',
  date_joined: '2019-05-17T08:30:12.345000Z',
};

/** auth_user rows with timestamps to the microsecond in UTC, and xmin (which moves on any write). */
export const AUTH_USER_ROWS = `SELECT id, username, password, email, first_name, last_name, is_active, is_staff, is_superuser,
  to_char(last_login AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS last_login,
  to_char(date_joined AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS date_joined,
  xmin::text AS xmin
  FROM auth_user ORDER BY id`;

export interface AuthUserRow {
  id: number;
  username: string;
  password: string;
  email: string;
  first_name: string;
  last_name: string;
  is_active: boolean;
  is_staff: boolean;
  is_superuser: boolean;
  last_login: string | null;
  date_joined: string;
  xmin: string;
}

export const authUsers = async (url: string): Promise<AuthUserRow[]> => sql<AuthUserRow>(url, AUTH_USER_ROWS);

/** A row without xmin, to compare contents only. */
export const contents = ({ xmin: _xmin, ...row }: AuthUserRow) => row;

/** Django's dumpdata timestamp ("...:12.345Z", "...:05Z") as AUTH_USER_ROWS writes it. */
export function micro(iso: string | null): string | null {
  if (iso === null) return null;
  const [, whole, fraction = ''] = /^(.*?:\d\d)(?:\.(\d+))?Z$/.exec(iso)!;
  return `${whole}.${fraction.padEnd(6, '0')}Z`;
}

/** The rows dumpdata describes, as AUTH_USER_ROWS reads them (without xmin). */
export function expectedRows(entries: DumpdataEntry[] = dumpdataEntries()) {
  return entries.map(({ pk, fields: f }) => ({
    id: pk,
    username: f.username,
    password: f.password,
    email: f.email,
    first_name: f.first_name,
    last_name: f.last_name,
    is_active: f.is_active,
    is_staff: f.is_staff,
    is_superuser: f.is_superuser,
    last_login: micro(f.last_login as string | null),
    date_joined: micro(f.date_joined as string),
  }));
}

const made: string[] = [];

/**
 * A new database (not a clone of the app's template) holding django-simplejwt.sql: the schema
 * Django's migrate made and the data SimpleJWT wrote. psql's own commands (\restrict) are left
 * out: node-postgres runs the SQL.
 */
export async function djangoDatabase(): Promise<string> {
  const name = `django_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  made.push(name);
  const url = withDatabase(process.env.TEST_ADMIN_URL!, name);
  const dump = fixture('django-simplejwt.sql')
    .split('\n')
    .filter((line) => !line.startsWith('\\'))
    .join('\n');
  await sql(url, dump);
  return url;
}

export async function dropDjangoDatabases(): Promise<void> {
  while (made.length > 0) {
    const name = made.pop()!;
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

/** One line of a database's schema: a column (type, NOT NULL, default), an index or a constraint, with its table. */
export interface SchemaLine {
  table: string;
  line: string;
}

const SCHEMA = `
  SELECT c.relname AS table, format('column %s %s%s%s', a.attname, format_type(a.atttypid, a.atttypmod),
    CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END, coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')) AS line
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL SELECT tablename, 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL SELECT conrelid::regclass::text, format('constraint %s %s', conname, pg_get_constraintdef(oid))
  FROM pg_constraint WHERE connamespace = 'public'::regnamespace`;

/** Schema lines by table, then line, in code-unit order (whatever the database's collation). */
export const sortLines = (lines: SchemaLine[]): SchemaLine[] =>
  [...lines].sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : a.line < b.line ? -1 : a.line > b.line ? 1 : 0));

/** Every table's columns, indexes and constraints, in a stable order. */
export const schemaOf = async (url: string): Promise<SchemaLine[]> => sortLines(await sql<SchemaLine>(url, SCHEMA));

/** Every row of each table, as JSON text, sorted: what must survive an adoption unchanged. */
export async function rowsOf(url: string, tables: string[]): Promise<Record<string, string[]>> {
  const rows: Record<string, string[]> = {};
  for (const table of tables) {
    rows[table] = (await sql<{ row: string }>(url, `SELECT to_jsonb(t)::text AS row FROM "${table}" t`)).map((r) => r.row).sort();
  }
  return rows;
}
