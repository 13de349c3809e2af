import { ALGORITHMS, AUTHENTICATION_CLASSES, DEFAULT_POOL_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT, TOKEN_CLASSES } from '@nest-simplejwt/auth';
import { USER_ID_FIELDS } from '../users/users.service.js';
import { bool, bytes, duration, integer, list, oneOf, permissionClasses, rates, someOf, text, throttleStore, type Parser } from './parsers.js';

export interface Setting<T = unknown> {
  /** The environment variable. */
  readonly name: string;
  /** Its value when unset or empty, as it would be written in the environment. */
  readonly default: string;
  /** One line of meaning, shown in .env.example and the README. */
  readonly doc: string;
  readonly parse: Parser<T>;
}

function setting<T>(name: string, defaultValue: string, doc: string, parse: Parser<T>): Setting<T> {
  return { name, default: defaultValue, doc, parse };
}

/** Every environment variable the app reads, with its default and meaning. */
export const SETTINGS = {
  NODE_ENV: setting('NODE_ENV', 'development', 'development, test or production; production refuses to start without JWT_SIGNING_KEY', oneOf(['development', 'test', 'production'] as const)),
  HOST: setting('HOST', '127.0.0.1', 'Address the HTTP server listens on', text),
  PORT: setting('PORT', '3000', 'Port the HTTP server listens on (0 picks a free one)', integer(0, 65535)),
  LOG_LEVEL: setting('LOG_LEVEL', 'log', 'Least severe log level written: error, warn, log, debug or verbose', oneOf(['error', 'warn', 'log', 'debug', 'verbose'] as const)),
  BODY_LIMIT: setting('BODY_LIMIT', '1mb', 'Largest request body accepted; a larger one is a 413', bytes),
  DATABASE_URL: setting('DATABASE_URL', '', 'PostgreSQL connection URL; empty starts an embedded PostgreSQL under DATA_DIR', text),
  DATABASE_POOL_SIZE: setting('DATABASE_POOL_SIZE', '10', 'Most connections the app holds open to PostgreSQL', integer(1, 1000)),
  DATABASE_STATEMENT_TIMEOUT: setting('DATABASE_STATEMENT_TIMEOUT', DEFAULT_STATEMENT_TIMEOUT, 'Longest a statement may run (a held lock, an overloaded server); past it the request gets 503. 0: no limit', duration),
  DATABASE_POOL_TIMEOUT: setting('DATABASE_POOL_TIMEOUT', DEFAULT_POOL_TIMEOUT, 'Longest a request waits for a database connection (free or new); past it 503. 0: no limit', duration),
  DATABASE_MIGRATE_ON_START: setting('DATABASE_MIGRATE_ON_START', 'auto', 'Apply pending migrations at start: true, false, or auto (only for the embedded database)', oneOf(['auto', 'true', 'false'] as const)),
  DATA_DIR: setting('DATA_DIR', '.data', 'Where the embedded PostgreSQL and the development signing key live', text),
  DEFAULT_PERMISSION_CLASSES: setting('DEFAULT_PERMISSION_CLASSES', 'IsAuthenticated', "What a route without @Permissions() needs (DRF's setting): comma-separated AllowAny, IsAuthenticated, IsAdminUser, IsAuthenticatedOrReadOnly", permissionClasses),
  THROTTLE_RATES: setting('THROTTLE_RATES', 'anon=100/minute,user=1000/minute,token=20/minute', "DRF's DEFAULT_THROTTLE_RATES as scope=N/period pairs (second, minute, hour, day); off for none", rates),
  THROTTLE_STORE: setting('THROTTLE_STORE', 'memory', 'Where throttle history lives: memory (this process) or a redis:// URL shared by every instance', throttleStore),
  NUM_PROXIES: setting('NUM_PROXIES', '0', 'Proxies in front that append to X-Forwarded-For; 0 throttles by the socket address', integer(0, 100)),
  SHUTDOWN_TIMEOUT: setting('SHUTDOWN_TIMEOUT', '10s', 'On SIGTERM/SIGINT, how long in-flight requests may take to finish; past it they are cut and the exit code is 1', duration),
  OPENAPI_PATH: setting('OPENAPI_PATH', 'api/docs', 'Where the OpenAPI explorer is served (its JSON at <path>-json); "off" for none', text),

  JWT_ACCESS_TOKEN_LIFETIME: setting('JWT_ACCESS_TOKEN_LIFETIME', '15m', 'How long an access token is valid (seconds, or 90s, 15m, 12h, 7d)', duration),
  JWT_REFRESH_TOKEN_LIFETIME: setting('JWT_REFRESH_TOKEN_LIFETIME', '7d', 'How long a refresh token is valid', duration),
  JWT_ROTATE_REFRESH_TOKENS: setting('JWT_ROTATE_REFRESH_TOKENS', 'true', 'A refresh also answers a new refresh token', bool),
  JWT_BLACKLIST_AFTER_ROTATION: setting('JWT_BLACKLIST_AFTER_ROTATION', 'true', 'With rotation, the refresh token used is blacklisted', bool),
  JWT_UPDATE_LAST_LOGIN: setting('JWT_UPDATE_LAST_LOGIN', 'false', "Obtaining a pair records the time in the user's last_login", bool),
  JWT_ALGORITHM: setting('JWT_ALGORITHM', 'HS256', `Signing algorithm: ${ALGORITHMS.join(', ')}`, oneOf(ALGORITHMS)),
  JWT_SIGNING_KEY: setting('JWT_SIGNING_KEY', '', 'HMAC secret (32+ bytes) or PEM private key; empty in development: generated and kept in DATA_DIR', text),
  JWT_VERIFYING_KEY: setting('JWT_VERIFYING_KEY', '', 'PEM public key for RS/PS/ES algorithms (derived from the private key when empty)', text),
  JWT_AUDIENCE: setting('JWT_AUDIENCE', '', 'The aud claim tokens carry and must carry; none when empty', text),
  JWT_ISSUER: setting('JWT_ISSUER', '', 'The iss claim tokens carry and must carry; none when empty', text),
  JWT_LEEWAY: setting('JWT_LEEWAY', '0', 'Clock skew allowed when checking exp, nbf and iat', duration),
  JWT_AUTH_HEADER_TYPES: setting('JWT_AUTH_HEADER_TYPES', 'Bearer', 'Comma-separated Authorization schemes accepted (case-sensitive)', list),
  JWT_AUTH_HEADER_NAME: setting('JWT_AUTH_HEADER_NAME', 'HTTP_AUTHORIZATION', 'Header carrying the token, as Django names it (HTTP_X_TOKEN) or plainly (X-Token)', text),
  JWT_AUTHENTICATION_CLASS: setting('JWT_AUTHENTICATION_CLASS', 'JWTAuthentication', 'JWTAuthentication loads the user on every request; JWTStatelessUserAuthentication trusts the token (no lookup)', oneOf(AUTHENTICATION_CLASSES)),
  JWT_USER_ID_FIELD: setting('JWT_USER_ID_FIELD', 'id', `User field put into tokens: ${USER_ID_FIELDS.join(' or ')}`, oneOf(USER_ID_FIELDS)),
  JWT_USER_ID_CLAIM: setting('JWT_USER_ID_CLAIM', 'user_id', 'Claim carrying the user id', text),
  JWT_AUTH_TOKEN_CLASSES: setting('JWT_AUTH_TOKEN_CLASSES', 'AccessToken', `Token classes accepted as bearer tokens: ${TOKEN_CLASSES.join(', ')}`, someOf(TOKEN_CLASSES)),
  JWT_TOKEN_TYPE_CLAIM: setting('JWT_TOKEN_TYPE_CLAIM', 'token_type', 'Claim carrying the token type', text),
  JWT_JTI_CLAIM: setting('JWT_JTI_CLAIM', 'jti', 'Claim carrying the token id', text),
  JWT_SLIDING_TOKEN_REFRESH_EXP_CLAIM: setting('JWT_SLIDING_TOKEN_REFRESH_EXP_CLAIM', 'refresh_exp', 'Claim bounding how long a sliding token can be refreshed', text),
  JWT_SLIDING_TOKEN_LIFETIME: setting('JWT_SLIDING_TOKEN_LIFETIME', '5m', 'How long a sliding token is valid as a bearer token', duration),
  JWT_SLIDING_TOKEN_REFRESH_LIFETIME: setting('JWT_SLIDING_TOKEN_REFRESH_LIFETIME', '1d', 'How long a sliding token can keep being refreshed', duration),
  JWT_REFRESH_TOKEN_REUSE_GRACE: setting('JWT_REFRESH_TOKEN_REUSE_GRACE', '30s', 'A rotated refresh token replayed after this revokes its whole session (before it: just refused)', duration),
  JWT_TOKEN_PATH: setting('JWT_TOKEN_PATH', 'api/token', 'Where the token endpoints are mounted', text),
  JWT_SLIDING_TOKENS: setting('JWT_SLIDING_TOKENS', 'false', 'Also serve <JWT_TOKEN_PATH>/sliding/ and <JWT_TOKEN_PATH>/sliding/refresh/', bool),
} as const;

export type SettingName = keyof typeof SETTINGS;
export type SettingValue<N extends SettingName> = ReturnType<(typeof SETTINGS)[N]['parse']>;
