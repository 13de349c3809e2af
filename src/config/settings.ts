import { ALGORITHMS, AUTHENTICATION_CLASSES, DEFAULT_POOL_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT, MAX_FAILURE_LIMIT, SAME_SITE_VALUES, TOKEN_CLASSES } from '@nest-simplejwt/auth';
import { USER_ID_FIELDS } from '../users/users.service.js';
import { bool, bytes, duration, integer, interval, list, oneOf, origins, permissionClasses, rates, someOf, text, throttleStore, type Parser } from './parsers.js';

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
  LOG_FORMAT: setting('LOG_FORMAT', 'auto', "json (one JSON object per line on stdout) or pretty (Nest's console look); auto: json when NODE_ENV=production, else pretty", oneOf(['auto', 'json', 'pretty'] as const)),
  ACCESS_LOG: setting('ACCESS_LOG', 'true', 'One line per answered request (level log): method, route, status, duration, user id, request id, client address', bool),
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
  LOGIN_FAILURE_LIMIT: setting('LOGIN_FAILURE_LIMIT', '10', 'Failed logins of one username from one client address within LOGIN_FAILURE_WINDOW that lock that pair for LOGIN_COOLOFF (429 login_locked, no password check); 0: off', integer(0, MAX_FAILURE_LIMIT)),
  LOGIN_FAILURE_LIMIT_PER_ADDRESS: setting('LOGIN_FAILURE_LIMIT_PER_ADDRESS', '100', 'Failed logins from one client address across all usernames within LOGIN_FAILURE_WINDOW that lock the address (password spraying); 0: off', integer(0, MAX_FAILURE_LIMIT)),
  LOGIN_FAILURE_WINDOW: setting('LOGIN_FAILURE_WINDOW', '15m', 'How far back failed logins count towards those limits (a sliding window)', duration),
  LOGIN_COOLOFF: setting('LOGIN_COOLOFF', '15m', 'How long a locked pair or address is refused; its count then starts afresh', duration),
  SHUTDOWN_TIMEOUT: setting('SHUTDOWN_TIMEOUT', '10s', 'On SIGTERM/SIGINT, how long in-flight requests may take to finish; past it they are cut and the exit code is 1', duration),
  METRICS_PORT: setting('METRICS_PORT', '0', 'Port of a separate server answering GET /metrics in Prometheus text format; 0: no metrics server', integer(0, 65535)),
  METRICS_HOST: setting('METRICS_HOST', '127.0.0.1', 'Address the metrics server listens on (keep it private: it is not authenticated)', text),
  FLUSH_EXPIRED_TOKENS_INTERVAL: setting('FLUSH_EXPIRED_TOKENS_INTERVAL', '0', 'Run flushexpiredtokens inside the server at start and then this often (1h, 1d), one instance at a time; 0: never', interval),
  OPENAPI_PATH: setting('OPENAPI_PATH', 'api/docs', 'Where the OpenAPI explorer is served (its JSON at <path>-json); "off" for none', text),
  CORS_ALLOWED_ORIGINS: setting('CORS_ALLOWED_ORIGINS', '', "django-cors-headers': comma-separated origins (https://app.example.com) whose scripts may call the API; empty: no CORS", origins(false)),
  CORS_ALLOW_CREDENTIALS: setting('CORS_ALLOW_CREDENTIALS', 'false', "django-cors-headers': those origins may send cookies (fetch with credentials: 'include'), as cookie mode needs", bool),
  CSRF_COOKIE_NAME: setting('CSRF_COOKIE_NAME', 'csrftoken', "Django's: the cookie that holds the CSRF token in cookie mode, set at login and readable by scripts", text),
  CSRF_HEADER_NAME: setting('CSRF_HEADER_NAME', 'HTTP_X_CSRFTOKEN', "Django's: the header that must repeat that token on unsafe cookie-authenticated requests (X-CSRFToken)", text),
  CSRF_TRUSTED_ORIGINS: setting('CSRF_TRUSTED_ORIGINS', '', "Django's: comma-separated origins (https://app.example.com, https://*.example.com) trusted for unsafe requests besides the API's own", origins(true)),

  JWT_ACCESS_TOKEN_LIFETIME: setting('JWT_ACCESS_TOKEN_LIFETIME', '15m', 'How long an access token is valid (seconds, or 90s, 15m, 12h, 7d)', duration),
  JWT_REFRESH_TOKEN_LIFETIME: setting('JWT_REFRESH_TOKEN_LIFETIME', '7d', 'How long a refresh token is valid', duration),
  JWT_ROTATE_REFRESH_TOKENS: setting('JWT_ROTATE_REFRESH_TOKENS', 'true', 'A refresh also answers a new refresh token', bool),
  JWT_BLACKLIST_AFTER_ROTATION: setting('JWT_BLACKLIST_AFTER_ROTATION', 'true', 'With rotation, the refresh token used is blacklisted', bool),
  JWT_UPDATE_LAST_LOGIN: setting('JWT_UPDATE_LAST_LOGIN', 'false', "Obtaining a pair records the time in the user's last_login", bool),
  JWT_ALGORITHM: setting('JWT_ALGORITHM', 'HS256', `Signing algorithm: ${ALGORITHMS.join(', ')}`, oneOf(ALGORITHMS)),
  JWT_SIGNING_KEY: setting('JWT_SIGNING_KEY', '', 'HMAC secret (32+ bytes) or PEM private key, or file:/path to read it from; empty in development: generated and kept in DATA_DIR', text),
  JWT_VERIFYING_KEY: setting('JWT_VERIFYING_KEY', '', 'PEM public key (or file:/path) for RS/PS/ES/EdDSA (derived from the private key when empty)', text),
  JWT_EXTRA_VERIFYING_KEYS: setting('JWT_EXTRA_VERIFYING_KEYS', '', 'Previous and standby keys that verify but never sign: PEM public keys one after another, or HMAC secrets separated by commas; file:/path entries (comma-separated) are read from files', text),
  JWT_KEY_ID: setting('JWT_KEY_ID', '', 'The kid of tokens signed now; empty: the RFC 7638 thumbprint of the key (which follows it into JWT_EXTRA_VERIFYING_KEYS on rotation)', text),
  JWT_JWKS_MAX_AGE: setting('JWT_JWKS_MAX_AGE', '15m', 'Cache-Control max-age of /.well-known/jwks.json: publish a standby key at least this long before it signs', duration),
  JWT_JWK_URL: setting('JWT_JWK_URL', '', "Another issuer's JWKS URL whose keys also verify bearer tokens (by kid); empty for none", text),
  JWT_JWK_CACHE_LIFETIME: setting('JWT_JWK_CACHE_LIFETIME', '10m', 'How long keys fetched from JWT_JWK_URL are used before they are fetched again', duration),
  JWT_JWK_REFETCH_INTERVAL: setting('JWT_JWK_REFETCH_INTERVAL', '30s', 'A token with a kid the fetched JWKS lacks (or a failed fetch) sets off a new fetch at most this often', duration),
  JWT_JWK_TIMEOUT: setting('JWT_JWK_TIMEOUT', '5s', 'The longest a fetch of JWT_JWK_URL may take; a token whose key cannot be fetched is refused (401)', duration),
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
  JWT_REFRESH_TOKEN_REUSE_GRACE: setting('JWT_REFRESH_TOKEN_REUSE_GRACE', '30s', "Within this, the live refresh token's parent gets the same new pair again (a retry); any other rotated token revokes the session", duration),
  JWT_SESSION_LIFETIME: setting('JWT_SESSION_LIFETIME', '30d', "A login's absolute lifetime across rotations; shorter than the refresh lifetime, it caps the tokens", duration),
  JWT_TOKEN_PATH: setting('JWT_TOKEN_PATH', 'api/token', 'Where the token endpoints are mounted', text),
  JWT_SLIDING_TOKENS: setting('JWT_SLIDING_TOKENS', 'false', 'Also serve <JWT_TOKEN_PATH>/sliding/ and <JWT_TOKEN_PATH>/sliding/refresh/', bool),
  JWT_AUTH_COOKIE: setting('JWT_AUTH_COOKIE', '', "Cookie mode (dj-rest-auth's name): the access token's cookie, read when there is no Authorization header; empty: off", text),
  JWT_AUTH_REFRESH_COOKIE: setting('JWT_AUTH_REFRESH_COOKIE', '', 'The refresh token\'s cookie, read by refresh and logout when the body has none; empty: off', text),
  JWT_AUTH_REFRESH_COOKIE_PATH: setting('JWT_AUTH_REFRESH_COOKIE_PATH', '', 'The refresh cookie\'s Path; empty: the token routes (/<JWT_TOKEN_PATH>)', text),
  JWT_AUTH_SECURE: setting('JWT_AUTH_SECURE', 'false', 'Cookies carry Secure (HTTPS only); __Host- and __Secure- names always do', bool),
  JWT_AUTH_HTTPONLY: setting('JWT_AUTH_HTTPONLY', 'true', 'Token cookies are HttpOnly, and the refresh token stays out of response bodies', bool),
  JWT_AUTH_SAMESITE: setting('JWT_AUTH_SAMESITE', 'Lax', `The cookies' SameSite: ${SAME_SITE_VALUES.join(', ')} (None needs JWT_AUTH_SECURE=true)`, oneOf(SAME_SITE_VALUES)),
  JWT_AUTH_COOKIE_DOMAIN: setting('JWT_AUTH_COOKIE_DOMAIN', '', "The cookies' Domain (.example.com shares them with subdomains); empty: this host only", text),
} as const;

export type SettingName = keyof typeof SETTINGS;
export type SettingValue<N extends SettingName> = ReturnType<(typeof SETTINGS)[N]['parse']>;
