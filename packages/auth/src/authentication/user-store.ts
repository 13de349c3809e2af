/**
 * The port through which the AuthModule knows users: implement it over your own user table
 * and hand the implementation to `AuthModule.forRoot({ userStore })`.
 * It plays the part of Django's authentication backend and user manager for SimpleJWT.
 */
export interface UserStore<TUser extends object = object> {
  /**
   * The user these credentials belong to, or null when they match no user.
   * Spend the same time on an unknown username as on a wrong password (hash a dummy), so
   * response times do not reveal which usernames exist.
   */
  authenticate(username: string, password: string): Promise<TUser | null>;

  /**
   * The user whose `field` (USER_ID_FIELD) has this value, or null. `value` is what a token's
   * user id claim held: a number or a string; return null for a value that cannot be an id.
   */
  findByIdField(field: string, value: string | number): Promise<TUser | null>;

  /** The value of the user's `field` (USER_ID_FIELD), put into tokens as the user id claim. */
  getIdField(user: TUser, field: string): string | number;

  /** Whether the user may authenticate at all (Django's `is_active`). */
  isActive(user: TUser): boolean;

  /** Whether the user is staff (Django's `is_staff`), for IsAdminUser. */
  isStaff(user: TUser): boolean;

  /** Records a successful login (Django's `update_last_login`), for UPDATE_LAST_LOGIN. */
  recordLogin?(user: TUser): Promise<void>;

  /**
   * Whether `password` is the user's (Django's `check_password`). Needed by the routes that ask
   * for the password again: revoking another session, and the password change.
   */
  checkPassword?(user: TUser, password: string): Promise<boolean>;

  /** Stores a new password for the user (Django's `set_password` and save). Needed by the password change. */
  setPassword?(user: TUser, password: string): Promise<void>;

  /**
   * What is wrong with `password` as a new password for the user (Django's password
   * validators), as messages; none when it is acceptable.
   */
  validatePassword?(user: TUser, password: string): string[] | Promise<string[]>;

  /**
   * Optional, for one database round trip per authenticated request and per refresh: how to
   * select your user in SQL, so the module checks the session in the same statement. Without it
   * the module asks `findByIdField` and the session table separately (two statements at once).
   */
  sqlLookup?: SqlUserLookup<TUser>;
}

/**
 * Your user as a SQL select, which the module wraps with its session check. The user table must
 * be in the same PostgreSQL database as the module's tables.
 */
export interface SqlUserLookup<TUser extends object = object> {
  /**
   * A SELECT of at most one user row whose `field` (USER_ID_FIELD) equals `$1`, with every column
   * `fromRow` needs, e.g. `SELECT id, username, is_active, is_staff FROM auth_user WHERE id = $1`.
   * Called once per field; the text must not change between calls.
   */
  select(field: string): string;

  /** The value for `$1` from a token's user id claim, or null when it can name no user (no query then). */
  param(field: string, value: string | number): unknown;

  /** The user from a row of that select (it may carry columns of the module's besides). */
  fromRow(row: Record<string, unknown>): TUser;
}

/** Injection token of the configured UserStore. */
export const USER_STORE = Symbol('USER_STORE');
