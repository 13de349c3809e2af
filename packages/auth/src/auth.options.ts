import type { KeyObject } from 'node:crypto';
import type { ClientInfo } from './authentication/client-info.js';
import type { TokenUserClass } from './authentication/token-user.js';
import type { UserStore } from './authentication/user-store.js';
import type { AuthDatabaseSource } from './database/auth-database.js';
import type { PermissionClass } from './permissions/permission.js';
import type { ThrottleStore } from './throttling/throttle-store.js';

/** A lifetime in seconds, or a string such as `'90s'`, `'15m'`, `'12h'`, `'7d'`. */
export type Duration = number | string;

export const ALGORITHMS = [
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export const TOKEN_CLASSES = ['AccessToken', 'SlidingToken'] as const;

export const AUTHENTICATION_CLASSES = ['JWTAuthentication', 'JWTStatelessUserAuthentication'] as const;
export type AuthenticationClass = (typeof AUTHENTICATION_CLASSES)[number];
export type AuthTokenClass = (typeof TOKEN_CLASSES)[number];

/**
 * Every setting, under SimpleJWT's own name (its `SIMPLE_JWT` dict), with the same meaning.
 * Settings SimpleJWT does not have are marked "(ours)".
 */
export interface SimpleJwtSettings {
  /** How long an access token is valid. @default '15m' */
  ACCESS_TOKEN_LIFETIME: Duration;
  /** How long a refresh token is valid. @default '7d' */
  REFRESH_TOKEN_LIFETIME: Duration;
  /** A refresh answers with a new refresh token as well as an access token. @default true */
  ROTATE_REFRESH_TOKENS: boolean;
  /** With rotation, the refresh token that was used is blacklisted. @default true */
  BLACKLIST_AFTER_ROTATION: boolean;
  /** Obtaining a pair records the time in the user's last_login. @default false */
  UPDATE_LAST_LOGIN: boolean;
  /** The JWS algorithm tokens are signed with. @default 'HS256' */
  ALGORITHM: Algorithm;
  /** The HMAC secret, or a PEM private key for RS/PS/ES algorithms. Required. */
  SIGNING_KEY: string | KeyObject;
  /** The PEM public key for RS/PS/ES algorithms; unused with HMAC. @default '' */
  VERIFYING_KEY: string | KeyObject;
  /** The `aud` claim tokens carry and must carry; none when empty. @default '' */
  AUDIENCE: string;
  /** The `iss` claim tokens carry and must carry; none when empty. @default '' */
  ISSUER: string;
  /** Clock skew allowed when checking `exp`, `nbf` and `iat`. @default 0 */
  LEEWAY: Duration;
  /** Authorization schemes accepted, matched case-sensitively. @default ['Bearer'] */
  AUTH_HEADER_TYPES: string[];
  /** The header carrying the token, as Django names it or as a plain header name. @default 'HTTP_AUTHORIZATION' */
  AUTH_HEADER_NAME: string;
  /** The user field whose value goes into tokens. @default 'id' */
  USER_ID_FIELD: string;
  /** The claim that carries the user's id. @default 'user_id' */
  USER_ID_CLAIM: string;
  /**
   * How a bearer token becomes a user: JWTAuthentication loads the user from the store on every
   * request; JWTStatelessUserAuthentication trusts the token and builds a TokenUser from its
   * claims (no lookup: a deleted or deactivated user keeps access until the token expires).
   * @default 'JWTAuthentication'
   */
  AUTHENTICATION_CLASS: AuthenticationClass;
  /** Token classes a protected route accepts as bearer tokens. @default ['AccessToken'] */
  AUTH_TOKEN_CLASSES: AuthTokenClass[];
  /** The claim that carries the token's type. @default 'token_type' */
  TOKEN_TYPE_CLAIM: string;
  /** The claim that carries the token's unique id. @default 'jti' */
  JTI_CLAIM: string;
  /** The claim of a sliding token that bounds how long it can be refreshed. @default 'refresh_exp' */
  SLIDING_TOKEN_REFRESH_EXP_CLAIM: string;
  /** How long a sliding token is valid as a bearer token. @default '5m' */
  SLIDING_TOKEN_LIFETIME: Duration;
  /** How long a sliding token can keep being refreshed. @default '1d' */
  SLIDING_TOKEN_REFRESH_LIFETIME: Duration;
  /**
   * (ours) A rotated refresh token presented again within this window is refused but leaves
   * the session alone (two tabs racing); after it, the replay revokes the whole session.
   * @default '30s'
   */
  REFRESH_TOKEN_REUSE_GRACE: Duration;
  /**
   * DRF's DEFAULT_THROTTLE_RATES, scope → `N/second|minute|hour|day`: `anon` limits anonymous
   * requests per address, `user` authenticated ones per user, others the routes of that
   * `@ThrottleScope()` (the token endpoints use `token`). Unlike DRF, the token endpoints are
   * throttled unless you say otherwise (`{}` turns every throttle off).
   * @default { token: '20/minute' }
   */
  DEFAULT_THROTTLE_RATES: Record<string, string>;
  /** DRF's NUM_PROXIES: how many proxies in front add to X-Forwarded-For (0: use the socket address). @default 0 */
  NUM_PROXIES: number;
}

export const SIMPLE_JWT_DEFAULTS: Readonly<Omit<SimpleJwtSettings, 'SIGNING_KEY'>> = Object.freeze({
  ACCESS_TOKEN_LIFETIME: '15m',
  REFRESH_TOKEN_LIFETIME: '7d',
  ROTATE_REFRESH_TOKENS: true,
  BLACKLIST_AFTER_ROTATION: true,
  UPDATE_LAST_LOGIN: false,
  ALGORITHM: 'HS256',
  VERIFYING_KEY: '',
  AUDIENCE: '',
  ISSUER: '',
  LEEWAY: 0,
  AUTH_HEADER_TYPES: ['Bearer'],
  AUTH_HEADER_NAME: 'HTTP_AUTHORIZATION',
  AUTHENTICATION_CLASS: 'JWTAuthentication',
  USER_ID_FIELD: 'id',
  USER_ID_CLAIM: 'user_id',
  AUTH_TOKEN_CLASSES: ['AccessToken'],
  TOKEN_TYPE_CLAIM: 'token_type',
  JTI_CLAIM: 'jti',
  SLIDING_TOKEN_REFRESH_EXP_CLAIM: 'refresh_exp',
  SLIDING_TOKEN_LIFETIME: '5m',
  SLIDING_TOKEN_REFRESH_LIFETIME: '1d',
  REFRESH_TOKEN_REUSE_GRACE: '30s',
  DEFAULT_THROTTLE_RATES: { token: '20/minute' },
  NUM_PROXIES: 0,
} satisfies Omit<SimpleJwtSettings, 'SIGNING_KEY'>);

/** A login attempt, as the login hooks see it. */
export interface LoginAttempt extends ClientInfo {
  /** The username as given (trimmed). */
  readonly username: string;
}

/**
 * What `AuthModule.forRoot()` (or the factory of `forRootAsync()`) takes: SimpleJWT's settings
 * under their own names, and the module's ports. `TUser` is your user type, inferred from
 * `userStore`, so `tokenClaims` and the hooks receive it typed.
 */
export interface AuthModuleOptions<TUser extends object = object> extends Partial<SimpleJwtSettings> {
  SIGNING_KEY: string | KeyObject;
  /** Where users come from: the port your users module implements. */
  userStore: UserStore<TUser>;
  /**
   * Extra claims for a user's tokens (SimpleJWT's `get_token` override). Reserved claims
   * (token_type, exp, iat, jti, the user id claim) cannot be overridden.
   * @example tokenClaims: (user) => ({ username: user.username, is_staff: user.isStaff })
   */
  tokenClaims?: (user: TUser) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Whether a user may log in and use tokens (SimpleJWT's USER_AUTHENTICATION_RULE). @default the store's isActive */
  USER_AUTHENTICATION_RULE?: (user: TUser) => boolean;
  /**
   * Called after a successful login, before the tokens are answered (SimpleJWT's issue 904). An
   * error it throws is logged and does not fail the login.
   */
  ON_LOGIN_SUCCESS?: (user: TUser, attempt: LoginAttempt) => void | Promise<void>;
  /** Called after a refused login (wrong password, unknown or inactive user); errors are logged. */
  ON_LOGIN_FAILED?: (attempt: LoginAttempt) => void | Promise<void>;
  /** What JWTStatelessUserAuthentication builds from a token's claims (SimpleJWT's TOKEN_USER_CLASS). @default TokenUser */
  TOKEN_USER_CLASS?: TokenUserClass;
  /** DRF's DEFAULT_PERMISSION_CLASSES: what a route without `@Permissions()` needs. @default [IsAuthenticated] */
  DEFAULT_PERMISSION_CLASSES?: PermissionClass[];
  /** Where throttles keep request history; share one across app instances. @default in memory */
  throttleStore?: ThrottleStore;
  /**
   * The PostgreSQL that holds the module's tables: a TypeORM DataSource (its pool is shared), a
   * pg Pool, or a connection URL (the module opens a pool of its own). PostgreSQL only.
   * @default the app's TypeORM DataSource (TypeOrmModule.forRoot)
   */
  database?: AuthDatabaseSource;
  /**
   * How long one statement may run: PostgreSQL cancels it past this, and the request gets 503
   * `service_unavailable` (a held row lock, an overloaded server) instead of waiting. Also ends a
   * session left idle inside a transaction that long. Applies to the pool the module opens from
   * a URL; a DataSource or Pool of yours keeps its own settings (`databasePoolOptions()` makes
   * these for it). `0` turns it off.
   * @default '5s'
   */
  databaseStatementTimeout?: Duration;
  /**
   * How long a request waits for a connection (a free one, or a new one opened) before it gets
   * 503 `service_unavailable`. Applies as `databaseStatementTimeout` does. `0`: no limit.
   * @default '3s'
   */
  databasePoolTimeout?: Duration;
  /**
   * Bring the module's tables up to date at start (idempotent, one instance at a time). Off, the
   * module refuses to start on a database that lacks them, naming what is missing.
   * @default false
   */
  runMigrations?: boolean;
}
