/** A user as Django's auth_user holds it, ready to import; timestamps stay text, so no digit is lost. */
export interface DjangoUser {
  id: number;
  username: string;
  /** The encoded hash, kept as it is (PasswordHasher reads every Django format). */
  password: string;
  email: string;
  firstName: string;
  lastName: string;
  isActive: boolean;
  isStaff: boolean;
  isSuperuser: boolean;
  /** ISO 8601 as Django or PostgreSQL wrote it; PostgreSQL parses it on import. */
  lastLogin: string | null;
  dateJoined: string;
}

/** Input the import cannot take; nothing was written. The message says what and where. */
export class DjangoImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DjangoImportError';
  }
}

/** auth_user's column sizes in Django 3.2+ (and here); PostgreSQL counts characters, not bytes. */
const MAX_LENGTH = { username: 150, password: 128, email: 254, first_name: 150, last_name: 150 } as const;
const MAX_ID = 2_147_483_647;
const TIMESTAMP = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d(:?\d\d)?)?$/;

/**
 * One user from an entry of `manage.py dumpdata auth.user` (`{model, pk, fields}`), or a list of
 * what is wrong with it. Fields other than auth_user's columns (groups, user_permissions) are
 * not imported.
 */
export function toDjangoUser(entry: unknown, naiveAllowed: boolean): DjangoUser | string[] {
  if (!isObject(entry)) return ['not an object'];
  if (entry.model !== 'auth.user') return [`a ${JSON.stringify(entry.model)}, not an "auth.user": dump with manage.py dumpdata auth.user`];
  const problems: string[] = [];
  const id = entry.pk;
  if (id === undefined) problems.push('no "pk" (dumped with --natural-primary?): ids, which tokens carry, must come along');
  else if (!Number.isInteger(id) || (id as number) < 1 || (id as number) > MAX_ID) problems.push(`"pk" is not an id: ${JSON.stringify(id)}`);
  if (!isObject(entry.fields)) return [...problems, 'no "fields" object'];
  const fields = entry.fields;
  const text = (name: keyof typeof MAX_LENGTH) => {
    const value = fields[name];
    if (typeof value !== 'string') problems.push(value === undefined ? `"${name}" is missing` : `"${name}" is not a string`);
    else if ([...value].length > MAX_LENGTH[name]) problems.push(`"${name}" is longer than ${MAX_LENGTH[name]} characters`);
    else if (value.includes('\0')) problems.push(`"${name}" holds a NUL character`);
    else if (name === 'username' && value === '') problems.push('"username" is empty');
    else return value;
    return '';
  };
  const flag = (name: string) => {
    if (typeof fields[name] !== 'boolean') problems.push(fields[name] === undefined ? `"${name}" is missing` : `"${name}" is not true or false`);
    return fields[name] === true;
  };
  const time = (name: string, nullable: boolean) => {
    const value = fields[name];
    if (value === null && nullable) return null;
    const parts = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
    if (parts === null) {
      problems.push(value === undefined ? `"${name}" is missing` : `"${name}" is not a date and time: ${JSON.stringify(value)}`);
    } else if (parts[3] === undefined && !naiveAllowed) {
      problems.push(`"${name}" has no UTC offset (${value}: Django's USE_TZ = False): give the time zone Django used (its TIME_ZONE)`);
    }
    return typeof value === 'string' ? value : '';
  };
  const user: DjangoUser = {
    id: id as number,
    username: text('username'),
    password: text('password'),
    email: text('email'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    isActive: flag('is_active'),
    isStaff: flag('is_staff'),
    isSuperuser: flag('is_superuser'),
    lastLogin: time('last_login', true),
    dateJoined: time('date_joined', false) ?? '',
  };
  return problems.length > 0 ? problems : user;
}

/**
 * Every entry as a user, or a DjangoImportError naming each bad entry (by position, pk and
 * username): one bad entry stops the whole import before anything is written.
 */
export function toDjangoUsers(entries: unknown[], source: string, naiveAllowed: boolean): DjangoUser[] {
  const users: DjangoUser[] = [];
  const problems: string[] = [];
  const seenIds = new Set<number>();
  const seenNames = new Set<string>();
  entries.forEach((entry, index) => {
    const user = toDjangoUser(entry, naiveAllowed);
    const where = `entry ${index + 1}${describe(entry)}`;
    if (Array.isArray(user)) return problems.push(...user.map((problem) => `${where}: ${problem}`));
    if (seenIds.has(user.id)) problems.push(`${where}: pk ${user.id} again`);
    if (seenNames.has(user.username)) problems.push(`${where}: username ${JSON.stringify(user.username)} again`);
    seenIds.add(user.id);
    seenNames.add(user.username);
    users.push(user);
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 20).join('\n  ');
    const more = problems.length > 20 ? `\n  ... and ${problems.length - 20} more` : '';
    throw new DjangoImportError(`${source}: nothing imported, ${problems.length} problem(s):\n  ${shown}${more}`);
  }
  return users;
}

/** " (pk 7, "alice")": what identifies an entry to whoever reads the message. */
function describe(entry: unknown): string {
  if (!isObject(entry)) return '';
  const parts = entry.pk === undefined ? [] : [`pk ${JSON.stringify(entry.pk)}`];
  if (isObject(entry.fields) && typeof entry.fields.username === 'string') parts.push(JSON.stringify(entry.fields.username));
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
