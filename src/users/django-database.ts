import pg from 'pg';
import { DjangoImportError, toDjangoUsers, type DjangoUser } from './django-user.js';

/** Django's auth_user; timestamps as ISO 8601 text in UTC to the microsecond Django stored. */
const DJANGO_USERS = `SELECT id AS pk, username, password, email, first_name, last_name, is_active, is_staff, is_superuser,
  to_char(last_login AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS last_login,
  to_char(date_joined AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS date_joined
  FROM auth_user ORDER BY id`;

const UNDEFINED_TABLE = '42P01';
const UNDEFINED_COLUMN = '42703';

/** Every user of the auth_user table in the PostgreSQL database at `url` (a Django project's). */
export async function readDjangoDatabase(url: string): Promise<DjangoUser[]> {
  let client: pg.Client;
  try {
    client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    await client.connect();
  } catch (error) {
    throw new DjangoImportError(`Could not connect to the Django database: ${(error as Error).message}`);
  }
  try {
    const { rows } = await client.query<Record<string, unknown> & { pk: number }>(DJANGO_USERS);
    return toDjangoUsers(rows.map(({ pk, ...fields }) => ({ model: 'auth.user', pk, fields })), 'The Django database', false);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === UNDEFINED_TABLE) {
      throw new DjangoImportError('The Django database has no auth_user table (a custom AUTH_USER_MODEL cannot be imported)');
    }
    if (code === UNDEFINED_COLUMN) throw new DjangoImportError(`The Django database's auth_user is not Django's: ${(error as Error).message}`);
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}
