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
  simple_jwt: { SIGNING_KEY: string; ALGORITHM: string };
  users: { id: number; username: string; password: string | null; hasher: string | null; is_active: boolean; is_staff: boolean; is_superuser: boolean }[];
  refresh_tokens: { username: string; user_id: number; jti: string; blacklisted: boolean; token: string }[];
  access_tokens: { username: string; user_id: number; jti: string; token: string }[];
}

export const DJANGO: DjangoFixture = JSON.parse(fixture('django-simplejwt.json'));

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
