import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { readDjangoDatabase } from './django-database.js';
import { parseDumpdata } from './django-dumpdata.js';
import { DjangoImportError, type DjangoUser } from './django-user.js';

export { DjangoImportError, type DjangoUser };

export interface DjangoImportOptions {
  /**
   * The time zone of timestamps written without a UTC offset (a dump made with Django's
   * USE_TZ = False): Django's TIME_ZONE, for example `Europe/Paris`. Without it they are refused.
   * @default undefined
   */
  timeZone?: string;
}

/** A user left as it is here, and why. */
export interface SkippedUser {
  id: number;
  username: string;
  reason: string;
}

export interface DjangoImportReport {
  /** Users new here, with Django's id. */
  created: number;
  /** Users here with the same id and username whose other fields now match Django's again. */
  updated: number;
  /** Users here already exactly as in Django. */
  unchanged: number;
  /** Users whose id or username belongs to someone else here: never overwritten. */
  skipped: SkippedUser[];
}

/** Sign-ups and logins wait for the import's few moments: no id or username appears between check and write. */
const LOCK_USERS = `LOCK TABLE auth_user IN SHARE ROW EXCLUSIVE MODE`;
/** For this transaction only: timestamps without an offset are read in Django's TIME_ZONE. */
const SET_TIME_ZONE = `SELECT set_config('TimeZone', $1, true)`;
/** Who already holds the ids and usernames being imported, read once under the lock. */
const HOLDERS = `SELECT id, username FROM auth_user WHERE id = ANY($1::int[]) OR username = ANY($2::varchar[])`;
const INSERT_USER = `INSERT INTO auth_user
  (id, username, password, email, first_name, last_name, is_active, is_staff, is_superuser, last_login, date_joined)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::timestamptz, $11::timestamptz)`;
/** Writes only when something differs (PostgreSQL compares the timestamps): its row count tells updated from unchanged. */
const UPDATE_USER = `UPDATE auth_user SET password = $3, email = $4, first_name = $5, last_name = $6, is_active = $7,
    is_staff = $8, is_superuser = $9, last_login = $10::timestamptz, date_joined = $11::timestamptz
  WHERE id = $1 AND username = $2
    AND (password, email, first_name, last_name, is_active, is_staff, is_superuser, last_login, date_joined)
    IS DISTINCT FROM ($3, $4, $5, $6, $7, $8, $9, $10::timestamptz, $11::timestamptz)`;
/** New users get ids past every imported one; the sequence never moves back below the largest id. */
const BUMP_ID_SEQUENCE = `SELECT setval(pg_get_serial_sequence('auth_user', 'id'), max(id)) FROM auth_user
  HAVING max(id) > COALESCE(pg_sequence_last_value(pg_get_serial_sequence('auth_user', 'id')::regclass), 0)`;

const INVALID_PARAMETER_VALUE = '22023';
const BAD_DATETIME = ['22007', '22008'];

/**
 * Brings users over from Django: from the output of `manage.py dumpdata auth.user`, or straight
 * from the Django project's PostgreSQL database. Each user keeps its id (tokens Django issued
 * name the same user), username, email, names, flags, last_login, date_joined and password hash
 * (checked as Django checks it, upgraded to argon2id at the next login).
 *
 * Users are matched by username. One with the same id here is updated to Django's values
 * (Django is the source: a re-import after a login here puts Django's hash back, which still
 * works) or left unchanged; a username that has another id here, or an id that another username
 * holds here, is skipped with the reason and never overwritten. Groups and permissions are not
 * imported. Everything happens in one transaction: bad input is a DjangoImportError and nothing
 * is written. Importing the same data twice changes nothing the second time.
 */
@Injectable()
export class DjangoUserImport {
  constructor(private readonly dataSource: DataSource) {}

  /** `json`: the text `manage.py dumpdata auth.user` wrote. */
  async fromDumpdata(json: string, options: DjangoImportOptions = {}): Promise<DjangoImportReport> {
    return this.importUsers(parseDumpdata(json, options.timeZone !== undefined), options);
  }

  /** `url`: a PostgreSQL URL of the Django project's database (only read). */
  async fromDatabase(url: string): Promise<DjangoImportReport> {
    return this.importUsers(await readDjangoDatabase(url));
  }

  /** Users already read and checked (parseDumpdata, readDjangoDatabase). */
  importUsers(users: DjangoUser[], options: DjangoImportOptions = {}): Promise<DjangoImportReport> {
    return this.dataSource.transaction(async (db) => {
      await db.query(LOCK_USERS);
      if (options.timeZone !== undefined) await setTimeZone(db, options.timeZone);
      const holders: { id: number; username: string }[] = await db.query(HOLDERS, [users.map((u) => u.id), users.map((u) => u.username)]);
      const idOf = new Map(holders.map((h) => [h.username, h.id]));
      const usernameOf = new Map(holders.map((h) => [h.id, h.username]));
      const report: DjangoImportReport = { created: 0, updated: 0, unchanged: 0, skipped: [] };
      for (const user of users) {
        const reason = conflict(user, idOf.get(user.username), usernameOf.get(user.id));
        if (reason !== null) {
          report.skipped.push({ id: user.id, username: user.username, reason });
        } else if (!idOf.has(user.username)) {
          await write(db, INSERT_USER, user);
          report.created++;
        } else if ((await write(db, UPDATE_USER, user)) > 0) {
          report.updated++;
        } else {
          report.unchanged++;
        }
      }
      await db.query(BUMP_ID_SEQUENCE);
      return report;
    });
  }
}

/** Why `user` cannot be written here, or null when it can (as new or over itself). */
function conflict(user: DjangoUser, idHere: number | undefined, usernameHere: string | undefined): string | null {
  if (idHere !== undefined && idHere !== user.id) {
    return `${JSON.stringify(user.username)} is id ${idHere} here, not ${user.id}: tokens name users by id, so it was left as it is`;
  }
  if (usernameHere !== undefined && usernameHere !== user.username) {
    return `id ${user.id} belongs to ${JSON.stringify(usernameHere)} here: not overwritten`;
  }
  return null;
}

/** The rows written. */
async function write(db: EntityManager, statement: string, user: DjangoUser): Promise<number> {
  const values = [user.id, user.username, user.password, user.email, user.firstName, user.lastName, user.isActive, user.isStaff,
    user.isSuperuser, user.lastLogin, user.dateJoined];
  try {
    const result = await db.query(statement, values);
    return statement === UPDATE_USER ? (result as [unknown[], number])[1] : 1; // TypeORM answers an UPDATE with [rows, count]
  } catch (error) {
    const code = (error as { driverError?: { code?: string } }).driverError?.code;
    if (code === undefined || !BAD_DATETIME.includes(code)) throw error;
    throw new DjangoImportError(`pk ${user.id} (${JSON.stringify(user.username)}): not a valid date and time: ${(error as Error).message}`);
  }
}

async function setTimeZone(db: EntityManager, timeZone: string): Promise<void> {
  try {
    await db.query(SET_TIME_ZONE, [timeZone]);
  } catch (error) {
    if ((error as { driverError?: { code?: string } }).driverError?.code !== INVALID_PARAMETER_VALUE) throw error;
    throw new DjangoImportError(`Unknown time zone: ${JSON.stringify(timeZone)}`);
  }
}
