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
}

/** Injection token of the configured UserStore. */
export const USER_STORE = Symbol('USER_STORE');
