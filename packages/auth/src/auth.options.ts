import type { KeyObject } from 'node:crypto';
import type { ClientInfo } from './authentication/client-info.js';
import type { TokenUserClass } from './authentication/token-user.js';
import type { UserStore } from './authentication/user-store.js';
import type { CookieSettings } from './cookies/cookie.options.js';
import type { AuthDatabaseSource } from './database/auth-database.js';
import type { AuthEventSink } from './events/auth-events.js';
import type { PermissionClass } from './permissions/permission.js';
import type { ThrottleStore } from './throttling/throttle-store.js';

/** A lifetime in seconds, or a string such as `'90s'`, `'15m'`, `'12h'`, `'7d'`. */
export type Duration = number | string;

export const ALGORITHMS = [
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA',
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
  /**
   * The JWS algorithm tokens are signed with. `EdDSA` is Ed25519, emitted as PyJWT does; a token
   * whose `alg` says RFC 9864's `Ed25519` is accepted on the same key. @default 'HS256'
   */
  ALGORITHM: Algorithm;
  /**
   * The HMAC secret, or a PEM private key for RS/PS/ES/EdDSA. `file:/path` reads it from a file
   * (a secret loses one trailing newline). Required.
   * @example SIGNING_KEY: 'file:/run/secrets/jwt-private.pem'
   */
  SIGNING_KEY: string | KeyObject;
  /** The PEM public key for RS/PS/ES/EdDSA (derived from SIGNING_KEY when empty); unused with HMAC. `file:` as SIGNING_KEY. @default '' */
  VERIFYING_KEY: string | KeyObject;
  /**
   * (ours) Keys that verify but never sign: previous keys, until the tokens they signed expire,
   * and a standby key, published in the JWKS before it signs. A string holds PEM public keys one
   * after another, or HMAC secrets separated by commas; `file:/path` entries (comma-separated)
   * are read from files. Each key verifies one algorithm: ALGORITHM when its type fits, else the
   * one its type implies (EC curve → ES256/384/512, Ed25519 → EdDSA, RSA → RS256, secret →
   * HS256); an object entry names its own `algorithm` and `kid`.
   * @example EXTRA_VERIFYING_KEYS: 'file:/etc/jwt/previous.pem,file:/etc/jwt/standby.pem'
   * @example EXTRA_VERIFYING_KEYS: 'previous-secret-0123456789abcdef0123456789,standby-secret-...'
   * @default ''
   */
  EXTRA_VERIFYING_KEYS: string | ExtraVerifyingKeyEntry[];
  /**
   * (ours) The `kid` of the tokens signed now. Empty: the RFC 7638 thumbprint of the verifying
   * key (of the secret's JWK with HMAC), which follows the key into EXTRA_VERIFYING_KEYS when it
   * rotates; an explicit id must be given with the key there too (object entry). @default ''
   */
  KEY_ID: string;
  /**
   * SimpleJWT's JWK_URL: a JWKS of another issuer whose public keys verify bearer tokens too,
   * picked by the token's `kid` (the token endpoints take only this server's own keys). @default ''
   */
  JWK_URL: string;
  /** (ours) How long keys fetched from JWK_URL are used before they are fetched again. @default '10m' */
  JWK_CACHE_LIFETIME: Duration;
  /** (ours) A token with a `kid` not in the fetched JWKS sets off a refetch at most this often. @default '30s' */
  JWK_REFETCH_INTERVAL: Duration;
  /** (ours) The longest a fetch of JWK_URL may take; a token whose key cannot be fetched is refused. @default '5s' */
  JWK_TIMEOUT: Duration;
  /** (ours) `Cache-Control: public, max-age=` of `/.well-known/jwks.json`. @default '15m' */
  JWKS_MAX_AGE: Duration;
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
   * (ours) The immediate parent of a session's live refresh token, presented again within this
   * window, gets the same successor pair back (a retry after a lost answer, or two tabs racing);
   * any other rotated token, or the parent after the window, revokes the whole session.
   * @default '30s'
   */
  REFRESH_TOKEN_REUSE_GRACE: Duration;
  /**
   * (ours) A login's absolute lifetime across all its rotations (Auth0's). Shorter than the
   * refresh lifetime, it caps the tokens' `exp`.
   * @default '30d'
   */
  SESSION_LIFETIME: Duration;
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
  /**
   * (ours, django-axes' AXES_FAILURE_LIMIT; Auth0's 10) Failed logins of one username from one client
   * address within LOGIN_FAILURE_WINDOW that lock that pair for LOGIN_COOLOFF: its logins are then
   * answered 429 `login_locked` without the password being checked. The failure that reaches the
   * limit is answered 429 already; a success forgets the pair's failures. Unknown usernames count
   * like real ones; usernames count as given (trimmed), case-sensitively, as Django's are; the
   * owner on another address is not locked out. Counted in PostgreSQL, so it holds across
   * instances and restarts, and whatever the throttle rates. 0 turns it off. @default 10
   */
  LOGIN_FAILURE_LIMIT: number;
  /**
   * (ours) Failed logins from one client address across every username within
   * LOGIN_FAILURE_WINDOW that lock the address for LOGIN_COOLOFF, against password spraying
   * (one password tried on many accounts). A success does not forget them. 0 turns it off.
   * @default 100
   */
  LOGIN_FAILURE_LIMIT_PER_ADDRESS: number;
  /** (ours) How far back failed logins count towards the limits (a sliding window). @default '15m' */
  LOGIN_FAILURE_WINDOW: Duration;
  /** (ours, django-axes' AXES_COOLOFF_TIME) How long a locked pair or address stays locked; its count then starts afresh. @default '15m' */
  LOGIN_COOLOFF: Duration;
}

export const SIMPLE_JWT_DEFAULTS: Readonly<Omit<SimpleJwtSettings, 'SIGNING_KEY'>> = Object.freeze({
  ACCESS_TOKEN_LIFETIME: '15m',
  REFRESH_TOKEN_LIFETIME: '7d',
  ROTATE_REFRESH_TOKENS: true,
  BLACKLIST_AFTER_ROTATION: true,
  UPDATE_LAST_LOGIN: false,
  ALGORITHM: 'HS256',
  VERIFYING_KEY: '',
  EXTRA_VERIFYING_KEYS: '',
  KEY_ID: '',
  JWK_URL: '',
  JWK_CACHE_LIFETIME: '10m',
  JWK_REFETCH_INTERVAL: '30s',
  JWK_TIMEOUT: '5s',
  JWKS_MAX_AGE: '15m',
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
  SESSION_LIFETIME: '30d',
  DEFAULT_THROTTLE_RATES: { token: '20/minute' },
  NUM_PROXIES: 0,
  LOGIN_FAILURE_LIMIT: 10,
  LOGIN_FAILURE_LIMIT_PER_ADDRESS: 100,
  LOGIN_FAILURE_WINDOW: '15m',
  LOGIN_COOLOFF: '15m',
} satisfies Omit<SimpleJwtSettings, 'SIGNING_KEY'>);

/** A key of EXTRA_VERIFYING_KEYS: a PEM public key or HMAC secret (string, `file:`, KeyObject), or one with its own algorithm and kid. */
export type ExtraVerifyingKeyEntry = string | KeyObject | ExtraVerifyingKey;

export interface ExtraVerifyingKey {
  readonly key: string | KeyObject;
  /** The one algorithm it verifies. @default ALGORITHM when the key fits it, else the one its type implies */
  readonly algorithm?: Algorithm;
  /** @default the RFC 7638 thumbprint of the key */
  readonly kid?: string;
}

/** A login attempt, as the login hooks see it. */
export interface LoginAttempt extends ClientInfo {
  /** The username as given (trimmed). */
  readonly username: string;
}

/**
 * What `AuthModule.forRoot()` (or the factory of `forRootAsync()`) takes: SimpleJWT's settings
 * under their own names, cookie mode and CSRF under dj-rest-auth's and Django's (`CookieSettings`),
 * and the module's ports. `TUser` is your user type, inferred from
 * `userStore`, so `tokenClaims` and the hooks receive it typed.
 */
export interface AuthModuleOptions<TUser extends object = object> extends Partial<SimpleJwtSettings>, Partial<CookieSettings> {
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
  /** Where the module's events (logins, refreshes, logouts, reuse, revocations) go. @default JSON lines through Nest's logger */
  events?: AuthEventSink;
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
