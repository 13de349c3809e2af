import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IsAdminUser, IsAuthenticated } from '@nest-simplejwt/auth';
import { loadConfig, type Environment } from './app-config.js';
import { ConfigError } from './config-error.js';
import { SETTINGS } from './settings.js';
import { MIN_SECRET_BYTES, withSigningKey } from './signing-key.js';

const ENV_EXAMPLE = fileURLToPath(new URL('../../.env.example', import.meta.url));
const CWD = '/srv/app';
const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

interface ExampleLine {
  readonly name: string;
  readonly value: string;
  /** The comment line right above it, without its `# `. */
  readonly doc: string | undefined;
}

/** The `NAME=value` lines of .env.example; anything but those, comments and blank lines is an error. */
function parseEnvExample(text: string): ExampleLine[] {
  const lines = text.split('\n');
  const entries: ExampleLine[] = [];
  lines.forEach((line, index) => {
    if (line === '' || line.startsWith('#')) return;
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`.env.example line ${index + 1} is neither a comment nor NAME=value: ${line}`);
    const above = lines[index - 1];
    entries.push({ name: match[1], value: match[2], doc: above?.startsWith('# ') ? above.slice(2) : undefined });
  });
  return entries;
}

/** The problems of the ConfigError loadConfig throws for `env`; fails when it throws none. */
function problemsOf(env: Environment): string[] {
  try {
    loadConfig(env, CWD);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

/** The ConfigError withSigningKey throws for `env`; fails when it throws none. */
function signingKeyError(env: Environment): ConfigError {
  try {
    withSigningKey(loadConfig(env, CWD));
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  const shown = JSON.stringify(env, (_key, value: unknown) => (typeof value === 'string' && value.length > 60 ? `${value.slice(0, 40)}...` : value));
  throw new Error(`withSigningKey accepted ${shown}`);
}

type KeyType = 'rsa' | 'ec-p256' | 'ec-p384';
function pemKeyPair(type: KeyType): { privateKey: string; publicKey: string } {
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  if (type === 'rsa') return generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding, publicKeyEncoding });
  return generateKeyPairSync('ec', { namedCurve: type === 'ec-p256' ? 'P-256' : 'P-384', privateKeyEncoding, publicKeyEncoding });
}

describe('.env.example', () => {
  const text = readFileSync(ENV_EXAMPLE, 'utf8');
  const entries = parseEnvExample(text);

  it('names every setting, in the order of SETTINGS, once', () => {
    expect(entries.map((entry) => entry.name)).toEqual(Object.values(SETTINGS).map((setting) => setting.name));
    expect(Object.entries(SETTINGS).every(([key, setting]) => key === setting.name)).toBe(true);
  });

  it.each(Object.values(SETTINGS).map((setting) => [setting.name, setting] as const))(
    'writes %s with its default and its doc right above it',
    (name, setting) => {
      const entry = entries.find((e) => e.name === name);
      expect(entry).toEqual({ name, value: setting.default, doc: setting.doc });
    },
  );

  it('starts with a header comment and puts the JWT header between the general and the JWT_ settings', () => {
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^# /);
    expect(text).toMatch(/every value shown is the default/i);
    expect(text).toMatch(/export/);
    const header = lines.indexOf('# --- JWT (SimpleJWT settings, JWT_<NAME>) ---');
    expect(header).toBeGreaterThan(0);
    expect(lines[header - 1]).toBe('');
    expect(lines[header + 1]).toBe('');
    const before = lines.slice(0, header).filter((line) => /^[A-Z]/.test(line));
    const after = lines.slice(header).filter((line) => /^[A-Z]/.test(line));
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((line) => !line.startsWith('JWT_'))).toBe(true);
    expect(after.every((line) => line.startsWith('JWT_'))).toBe(true);
  });

  it('holds values that configure the app exactly as the defaults do', () => {
    const env = Object.fromEntries(entries.map((entry) => [entry.name, entry.value]));
    expect(loadConfig(env, CWD)).toEqual(loadConfig({}, CWD));
  });
});

describe('loadConfig: bad values', () => {
  it.each<[string, Environment, string]>([
    ['a bad duration', { JWT_ACCESS_TOKEN_LIFETIME: '15 minutes' }, 'JWT_ACCESS_TOKEN_LIFETIME: expected seconds or a duration such as 90s, 15m, 12h or 7d, got "15 minutes"'],
    ['a negative duration', { JWT_LEEWAY: '-5' }, 'JWT_LEEWAY: expected seconds or a duration such as 90s, 15m, 12h or 7d, got "-5"'],
    ['a duration in weeks', { JWT_REFRESH_TOKEN_REUSE_GRACE: '1w' }, 'JWT_REFRESH_TOKEN_REUSE_GRACE: expected seconds or a duration such as 90s, 15m, 12h or 7d, got "1w"'],
    ['a bad boolean', { JWT_ROTATE_REFRESH_TOKENS: 'maybe' }, 'JWT_ROTATE_REFRESH_TOKENS: expected true or false, got "maybe"'],
    ['another bad boolean', { JWT_SLIDING_TOKENS: 'enabled' }, 'JWT_SLIDING_TOKENS: expected true or false, got "enabled"'],
    ['a port above 65535', { PORT: '65536' }, 'PORT: expected a whole number from 0 to 65535, got "65536"'],
    ['a negative port', { PORT: '-1' }, 'PORT: expected a whole number from 0 to 65535, got "-1"'],
    ['a fractional port', { PORT: '80.5' }, 'PORT: expected a whole number from 0 to 65535, got "80.5"'],
    ['a pool of none', { DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE: expected a whole number from 1 to 1000, got "0"'],
    ['an unknown algorithm', { JWT_ALGORITHM: 'none' }, 'JWT_ALGORITHM: expected one of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, got "none"'],
    ['an algorithm in the wrong case', { JWT_ALGORITHM: 'hs256' }, 'JWT_ALGORITHM: expected one of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, got "hs256"'],
    ['an unknown token class', { JWT_AUTH_TOKEN_CLASSES: 'AccessToken,RefreshToken' }, 'JWT_AUTH_TOKEN_CLASSES: expected a comma-separated list of AccessToken, SlidingToken, got "AccessToken,RefreshToken"'],
    ['no token class', { JWT_AUTH_TOKEN_CLASSES: ',' }, 'JWT_AUTH_TOKEN_CLASSES: expected a comma-separated list of AccessToken, SlidingToken, got ","'],
    ['an unknown authentication class', { JWT_AUTHENTICATION_CLASS: 'SessionAuthentication' }, 'JWT_AUTHENTICATION_CLASS: expected one of JWTAuthentication, JWTStatelessUserAuthentication, got "SessionAuthentication"'],
    ['a bad USER_ID_FIELD', { JWT_USER_ID_FIELD: 'email' }, 'JWT_USER_ID_FIELD: expected one of id, username, got "email"'],
    ['a bad byte size', { BODY_LIMIT: '1gb' }, 'BODY_LIMIT: expected a size such as 1048576, 512kb or 1mb, got "1gb"'],
    ['a byte size that is no number', { BODY_LIMIT: 'lots' }, 'BODY_LIMIT: expected a size such as 1048576, 512kb or 1mb, got "lots"'],
    ['an unknown NODE_ENV', { NODE_ENV: 'staging' }, 'NODE_ENV: expected one of development, test, production, got "staging"'],
    ['an unknown LOG_LEVEL', { LOG_LEVEL: 'info' }, 'LOG_LEVEL: expected one of error, warn, log, debug, verbose, got "info"'],
    ['an unknown LOG_FORMAT', { LOG_FORMAT: 'text' }, 'LOG_FORMAT: expected one of auto, json, pretty, got "text"'],
    ['an ACCESS_LOG that is no boolean', { ACCESS_LOG: 'always' }, 'ACCESS_LOG: expected true or false, got "always"'],
    ['an unknown permission class', { DEFAULT_PERMISSION_CLASSES: 'IsAuthenticated,IsStaff' }, 'DEFAULT_PERMISSION_CLASSES: expected a comma-separated list of AllowAny, IsAuthenticated, IsAdminUser, IsAuthenticatedOrReadOnly, got "IsAuthenticated,IsStaff"'],
    ['a bad throttle rate', { THROTTLE_RATES: 'anon=lots' }, 'THROTTLE_RATES: expected N/second, N/minute, N/hour or N/day, got "lots"'],
    ['a throttle scope without a rate', { THROTTLE_RATES: 'anon' }, 'THROTTLE_RATES: expected scope=N/period pairs separated by commas, got "anon"'],
    ['too many proxies', { NUM_PROXIES: '101' }, 'NUM_PROXIES: expected a whole number from 0 to 100, got "101"'],
    ['a failure limit that is no whole number', { LOGIN_FAILURE_LIMIT: '2.5' }, 'LOGIN_FAILURE_LIMIT: expected a whole number from 0 to 10000, got "2.5"'],
    ['a per-address limit over the most a row keeps', { LOGIN_FAILURE_LIMIT_PER_ADDRESS: '10001' }, 'LOGIN_FAILURE_LIMIT_PER_ADDRESS: expected a whole number from 0 to 10000, got "10001"'],
    ['a failure window that is no duration', { LOGIN_FAILURE_WINDOW: 'an hour' }, 'LOGIN_FAILURE_WINDOW: expected seconds or a duration such as 90s, 15m, 12h or 7d, got "an hour"'],
    ['a bad DATABASE_MIGRATE_ON_START', { DATABASE_MIGRATE_ON_START: 'yes' }, 'DATABASE_MIGRATE_ON_START: expected one of auto, true, false, got "yes"'],
    ['a statement timeout in words', { DATABASE_STATEMENT_TIMEOUT: '5 seconds' }, 'DATABASE_STATEMENT_TIMEOUT: expected seconds or a duration such as 90s, 15m, 12h or 7d, got "5 seconds"'],
    ['a negative pool timeout', { DATABASE_POOL_TIMEOUT: '-1' }, 'DATABASE_POOL_TIMEOUT: expected seconds or a duration such as 90s, 15m, 12h or 7d, got "-1"'],
    ['a shutdown timeout that is no duration', { SHUTDOWN_TIMEOUT: 'soon' }, 'SHUTDOWN_TIMEOUT: expected seconds or a duration such as 90s, 15m, 12h or 7d, got "soon"'],
    ['a throttle store that is no URL', { THROTTLE_STORE: 'redis' }, 'THROTTLE_STORE: expected memory or a redis:// (or rediss://) URL'],
    ['a throttle store of another kind', { THROTTLE_STORE: 'memcached://127.0.0.1:11211' }, 'THROTTLE_STORE: expected memory or a redis:// (or rediss://) URL'],
    ['a CORS origin without a scheme', { CORS_ALLOWED_ORIGINS: 'app.example.com' }, 'CORS_ALLOWED_ORIGINS: expected comma-separated scheme://host[:port] origins (e.g. https://app.example.com), got "app.example.com"'],
    ['a CORS origin with a wildcard', { CORS_ALLOWED_ORIGINS: 'https://*.example.com' }, 'CORS_ALLOWED_ORIGINS: expected exact origins, without *, got "https://*.example.com"'],
    ['a trusted origin with a path', { CSRF_TRUSTED_ORIGINS: 'https://app.example.com/login' }, 'CSRF_TRUSTED_ORIGINS: expected comma-separated scheme://host[:port] origins (e.g. https://app.example.com or https://*.example.com), got "https://app.example.com/login"'],
    ['an unknown SameSite', { JWT_AUTH_SAMESITE: 'lax' }, 'JWT_AUTH_SAMESITE: expected one of Lax, Strict, None, got "lax"'],
    ['SameSite=None without Secure', { JWT_AUTH_COOKIE: 'access', JWT_AUTH_SAMESITE: 'None' }, 'JWT_AUTH_SAMESITE: None needs JWT_AUTH_SECURE=true (browsers drop SameSite=None cookies without Secure)'],
    ['a __Host- cookie with a Domain', { JWT_AUTH_COOKIE: '__Host-access', JWT_AUTH_COOKIE_DOMAIN: 'example.com' }, 'JWT_AUTH_COOKIE_DOMAIN: a __Host- cookie (JWT_AUTH_COOKIE) may not have a Domain'],
    ['METRICS_PORT the same as PORT', { PORT: '8080', METRICS_PORT: '8080' }, 'METRICS_PORT: 8080 is PORT too; the metrics server needs a port of its own'],
    ['METRICS_PORT out of range', { METRICS_PORT: '70000' }, 'METRICS_PORT: expected a whole number from 0 to 65535, got "70000"'],
    ['a flush interval under a second', { FLUSH_EXPIRED_TOKENS_INTERVAL: '0.5s' }, 'FLUSH_EXPIRED_TOKENS_INTERVAL: expected 0 (off) or at least 1s, got "0.5s"'],
    ['a flush interval that is no duration', { FLUSH_EXPIRED_TOKENS_INTERVAL: 'hourly' }, 'FLUSH_EXPIRED_TOKENS_INTERVAL: expected seconds or a duration such as 90s, 15m, 12h or 7d, got "hourly"'],
    ['a cookie name with a semicolon', { JWT_AUTH_REFRESH_COOKIE: 'a;b' }, 'JWT_AUTH_REFRESH_COOKIE: not a cookie name: "a;b"'],
  ])('turns %s into a ConfigError naming the variable', (_case, env, problem) => {
    expect(() => loadConfig(env, CWD)).toThrow(ConfigError);
    expect(problemsOf(env)).toEqual([problem]);
  });

  it('lists every bad value at once, each under its variable', () => {
    const env = { PORT: 'eighty', JWT_ALGORITHM: 'none', BODY_LIMIT: 'huge', JWT_UPDATE_LAST_LOGIN: 'sometimes', JWT_ACCESS_TOKEN_LIFETIME: '5 min' };
    let error: unknown;
    try {
      loadConfig(env, CWD);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    for (const name of Object.keys(env)) {
      expect(problems.filter((p) => p.startsWith(`${name}: `))).toHaveLength(1);
      expect((error as ConfigError).message).toContain(`\n  - ${name}: `);
    }
    expect((error as ConfigError).message).toMatch(/^Invalid configuration:\n/);
  });

  it('reads an empty or blank value as the default', () => {
    expect(loadConfig({ PORT: '', JWT_ALGORITHM: '   ', JWT_ACCESS_TOKEN_LIFETIME: '' }, CWD)).toEqual(loadConfig({}, CWD));
  });
});

describe('loadConfig: defaults and forms', () => {
  it('gives the documented defaults', () => {
    expect(loadConfig({}, CWD)).toEqual({
      nodeEnv: 'development',
      host: '127.0.0.1',
      port: 3000,
      logLevel: 'log',
      logFormat: 'pretty',
      accessLog: true,
      bodyLimit: 1024 * 1024,
      databaseUrl: null,
      databasePoolSize: 10,
      databaseStatementTimeout: 5,
      databasePoolTimeout: 3,
      migrateOnStart: true,
      dataDir: '/srv/app/.data',
      openApiPath: 'api/docs',
      shutdownTimeout: 10,
      metrics: null,
      flushExpiredTokensInterval: 0,
      throttleStore: null,
      jwt: {
        ACCESS_TOKEN_LIFETIME: 900,
        REFRESH_TOKEN_LIFETIME: 604800,
        ROTATE_REFRESH_TOKENS: true,
        BLACKLIST_AFTER_ROTATION: true,
        UPDATE_LAST_LOGIN: false,
        ALGORITHM: 'HS256',
        SIGNING_KEY: '',
        VERIFYING_KEY: '',
        EXTRA_VERIFYING_KEYS: '',
        KEY_ID: '',
        JWKS_MAX_AGE: 900,
        JWK_URL: '',
        JWK_CACHE_LIFETIME: 600,
        JWK_REFETCH_INTERVAL: 30,
        JWK_TIMEOUT: 5,
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
        SLIDING_TOKEN_LIFETIME: 300,
        SLIDING_TOKEN_REFRESH_LIFETIME: 86400,
        REFRESH_TOKEN_REUSE_GRACE: 30,
        SESSION_LIFETIME: 2592000,
        DEFAULT_THROTTLE_RATES: { anon: '100/minute', user: '1000/minute', token: '20/minute' },
        NUM_PROXIES: 0,
        LOGIN_FAILURE_LIMIT: 10,
        LOGIN_FAILURE_LIMIT_PER_ADDRESS: 100,
        LOGIN_FAILURE_WINDOW: 900,
        LOGIN_COOLOFF: 900,
      },
      defaultPermissionClasses: [IsAuthenticated],
      tokenPath: 'api/token',
      slidingTokens: false,
      cookies: {
        JWT_AUTH_COOKIE: '',
        JWT_AUTH_REFRESH_COOKIE: '',
        JWT_AUTH_REFRESH_COOKIE_PATH: '',
        JWT_AUTH_SECURE: false,
        JWT_AUTH_HTTPONLY: true,
        JWT_AUTH_SAMESITE: 'Lax',
        JWT_AUTH_COOKIE_DOMAIN: '',
        CSRF_COOKIE_NAME: 'csrftoken',
        CSRF_HEADER_NAME: 'HTTP_X_CSRFTOKEN',
        CSRF_TRUSTED_ORIGINS: [],
      },
      cors: { allowedOrigins: [], allowCredentials: false },
    });
  });

  it.each<[string, Environment, 'json' | 'pretty']>([
    ['auto in development', {}, 'pretty'],
    ['auto in test', { NODE_ENV: 'test' }, 'pretty'],
    ['auto in production', { NODE_ENV: 'production' }, 'json'],
    ['json in development', { LOG_FORMAT: 'json' }, 'json'],
    ['pretty in production', { NODE_ENV: 'production', LOG_FORMAT: 'pretty' }, 'pretty'],
  ])('reads LOG_FORMAT %s', (_case, env, format) => {
    expect(loadConfig(env, CWD).logFormat).toBe(format);
  });

  it('reads ACCESS_LOG', () => {
    expect(loadConfig({ ACCESS_LOG: 'false' }, CWD).accessLog).toBe(false);
  });

  it('reads origin lists, trailing slashes dropped', () => {
    const config = loadConfig({ CORS_ALLOWED_ORIGINS: 'https://app.example.com/, http://127.0.0.1:5173', CSRF_TRUSTED_ORIGINS: 'https://*.example.com' }, CWD);
    expect(config.cors.allowedOrigins).toEqual(['https://app.example.com', 'http://127.0.0.1:5173']);
    expect(config.cookies.CSRF_TRUSTED_ORIGINS).toEqual(['https://*.example.com']);
  });

  it.each<[string, Environment, boolean]>([
    ['auto without DATABASE_URL (embedded)', {}, true],
    ['auto with DATABASE_URL', { DATABASE_URL: 'postgres://app@db.example/app' }, false],
    ['explicit auto with DATABASE_URL', { DATABASE_URL: 'postgres://app@db.example/app', DATABASE_MIGRATE_ON_START: 'auto' }, false],
    ['true with DATABASE_URL', { DATABASE_URL: 'postgres://app@db.example/app', DATABASE_MIGRATE_ON_START: 'true' }, true],
    ['false without DATABASE_URL', { DATABASE_MIGRATE_ON_START: 'false' }, false],
  ])('migrates on start: %s', (_case, env, migrate) => {
    expect(loadConfig(env, CWD).migrateOnStart).toBe(migrate);
  });

  it('keeps DATABASE_URL as given', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://app:pw@db.example:5433/app' }, CWD).databaseUrl).toBe('postgres://app:pw@db.example:5433/app');
  });

  it('resolves a relative DATA_DIR against cwd and keeps an absolute one', () => {
    expect(loadConfig({ DATA_DIR: 'var/data' }, CWD).dataDir).toBe('/srv/app/var/data');
    expect(loadConfig({ DATA_DIR: '/var/lib/app' }, CWD).dataDir).toBe('/var/lib/app');
  });

  it('reads OPENAPI_PATH "off" as none and trims slashes from paths', () => {
    expect(loadConfig({ OPENAPI_PATH: 'off' }, CWD).openApiPath).toBeNull();
    expect(loadConfig({ OPENAPI_PATH: '/docs/' }, CWD).openApiPath).toBe('docs');
    expect(loadConfig({ JWT_TOKEN_PATH: '/auth/jwt/' }, CWD).tokenPath).toBe('auth/jwt');
  });

  it.each<[string, string, number]>([
    ['JWT_ACCESS_TOKEN_LIFETIME', '60', 60],
    ['JWT_ACCESS_TOKEN_LIFETIME', '90s', 90],
    ['JWT_REFRESH_TOKEN_LIFETIME', '12h', 43200],
    ['JWT_SLIDING_TOKEN_REFRESH_LIFETIME', '2d', 172800],
    ['JWT_SLIDING_TOKEN_LIFETIME', '10m', 600],
    ['JWT_LEEWAY', '1.5', 1.5],
  ])('reads %s=%s as %d seconds', (name, value, seconds) => {
    const jwt = loadConfig({ [name]: value }, CWD).jwt as unknown as Record<string, unknown>;
    expect(jwt[name.slice(4)]).toBe(seconds);
  });

  it.each<[string, number]>([
    ['1048576', 1048576],
    ['512kb', 524288],
    ['2MB', 2097152],
    ['100b', 100],
  ])('reads BODY_LIMIT=%s as %d bytes', (value, bytes) => {
    expect(loadConfig({ BODY_LIMIT: value }, CWD).bodyLimit).toBe(bytes);
  });

  it.each([['true'], ['1'], ['yes'], ['on'], ['TRUE']])('reads %s as true', (value) => {
    expect(loadConfig({ JWT_UPDATE_LAST_LOGIN: value }, CWD).jwt.UPDATE_LAST_LOGIN).toBe(true);
  });

  it.each([['false'], ['0'], ['no'], ['off'], ['False']])('reads %s as false', (value) => {
    expect(loadConfig({ JWT_ROTATE_REFRESH_TOKENS: value }, CWD).jwt.ROTATE_REFRESH_TOKENS).toBe(false);
  });

  it('reads THROTTLE_RATES pairs, and off as none', () => {
    expect(loadConfig({ THROTTLE_RATES: 'anon=5/second, token=3/h' }, CWD).jwt.DEFAULT_THROTTLE_RATES).toEqual({ anon: '5/second', token: '3/h' });
    expect(loadConfig({ THROTTLE_RATES: 'off' }, CWD).jwt.DEFAULT_THROTTLE_RATES).toEqual({});
    expect(loadConfig({ NUM_PROXIES: '2' }, CWD).jwt.NUM_PROXIES).toBe(2);
  });

  it('reads the database timeouts and SHUTDOWN_TIMEOUT in seconds, fractions and 0 included', () => {
    const config = loadConfig({ DATABASE_STATEMENT_TIMEOUT: '1.5s', DATABASE_POOL_TIMEOUT: '0', SHUTDOWN_TIMEOUT: '1m' }, CWD);
    expect([config.databaseStatementTimeout, config.databasePoolTimeout, config.shutdownTimeout]).toEqual([1.5, 0, 60]);
  });

  it('reads METRICS_PORT 0 as no metrics server, and a port with METRICS_HOST', () => {
    expect(loadConfig({ METRICS_PORT: '0', METRICS_HOST: '0.0.0.0' }, CWD).metrics).toBeNull();
    expect(loadConfig({ METRICS_PORT: '9464' }, CWD).metrics).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' }, CWD).metrics).toEqual({ host: '10.0.0.5', port: 9464 });
    // PORT=0 picks a free port, so it never collides with METRICS_PORT.
    expect(loadConfig({ PORT: '0', METRICS_PORT: '9464' }, CWD).metrics).toEqual({ host: '127.0.0.1', port: 9464 });
  });

  it('reads FLUSH_EXPIRED_TOKENS_INTERVAL in seconds, 0 for never', () => {
    expect(loadConfig({ FLUSH_EXPIRED_TOKENS_INTERVAL: '1h' }, CWD).flushExpiredTokensInterval).toBe(3600);
    expect(loadConfig({ FLUSH_EXPIRED_TOKENS_INTERVAL: '1s' }, CWD).flushExpiredTokensInterval).toBe(1);
    expect(loadConfig({ FLUSH_EXPIRED_TOKENS_INTERVAL: '0' }, CWD).flushExpiredTokensInterval).toBe(0);
  });

  it('reads THROTTLE_STORE memory as none of its own and keeps a redis URL as given', () => {
    expect(loadConfig({ THROTTLE_STORE: 'memory' }, CWD).throttleStore).toBeNull();
    expect(loadConfig({ THROTTLE_STORE: 'redis://:secret@cache.internal:6380/2' }, CWD).throttleStore).toBe('redis://:secret@cache.internal:6380/2');
    expect(loadConfig({ THROTTLE_STORE: 'rediss://cache.internal' }, CWD).throttleStore).toBe('rediss://cache.internal');
  });

  it('reads DEFAULT_PERMISSION_CLASSES as the built-in classes', () => {
    expect(loadConfig({ DEFAULT_PERMISSION_CLASSES: 'IsAuthenticated, IsAdminUser' }, CWD).defaultPermissionClasses).toEqual([IsAuthenticated, IsAdminUser]);
  });

  it('splits comma-separated lists and trims their items', () => {
    const config = loadConfig({ JWT_AUTH_HEADER_TYPES: 'JWT, Bearer', JWT_AUTH_TOKEN_CLASSES: 'SlidingToken , AccessToken' }, CWD);
    expect(config.jwt.AUTH_HEADER_TYPES).toEqual(['JWT', 'Bearer']);
    expect(config.jwt.AUTH_TOKEN_CLASSES).toEqual(['SlidingToken', 'AccessToken']);
  });
});

describe('withSigningKey', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'settings-spec-'));
  });
  afterAll(() => {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });
  let dirs = 0;
  const freshDir = () => join(tmp, `data-${++dirs}`, 'nested');

  it('refuses production without JWT_SIGNING_KEY', () => {
    const error = signingKeyError({ NODE_ENV: 'production', DATA_DIR: freshDir() });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^JWT_SIGNING_KEY: required in production/);
    expect(error.message).toContain('JWT_SIGNING_KEY');
  });

  it('never generates a key in production', () => {
    const dir = freshDir();
    signingKeyError({ NODE_ENV: 'production', DATA_DIR: dir });
    expect(existsSync(join(dir, 'signing-key'))).toBe(false);
  });

  it(`refuses a production HMAC secret shorter than ${MIN_SECRET_BYTES} bytes, counting bytes`, () => {
    expect(MIN_SECRET_BYTES).toBe(32);
    for (const key of ['k'.repeat(31), 'é'.repeat(15) + 'k']) {
      const error = signingKeyError({ NODE_ENV: 'production', JWT_SIGNING_KEY: key });
      expect(error.problems).toEqual([expect.stringMatching(/^JWT_SIGNING_KEY: must be at least 32 bytes in production/)]);
    }
  });

  it('accepts a production HMAC secret of 32 bytes', () => {
    for (const key of ['k'.repeat(32), 'é'.repeat(16)]) {
      const config = withSigningKey(loadConfig({ NODE_ENV: 'production', JWT_SIGNING_KEY: key }, CWD));
      expect(config.jwt.SIGNING_KEY).toBe(key);
      expect(config.nodeEnv).toBe('production');
    }
  });

  it('accepts a production PEM private key for RS256 (no byte rule for it)', () => {
    const { privateKey } = pemKeyPair('rsa');
    const config = withSigningKey(loadConfig({ NODE_ENV: 'production', JWT_ALGORITHM: 'RS256', JWT_SIGNING_KEY: privateKey }, CWD));
    expect(config.jwt.SIGNING_KEY).toBe(privateKey);
  });

  it('in development without a key, generates one into DATA_DIR/signing-key and reuses it', () => {
    const dir = freshDir();
    const first = withSigningKey(loadConfig({ DATA_DIR: dir }, CWD));
    const key = first.jwt.SIGNING_KEY as string;
    expect(Buffer.byteLength(key)).toBeGreaterThanOrEqual(MIN_SECRET_BYTES);
    const file = join(dir, 'signing-key');
    expect(readFileSync(file, 'utf8').trim()).toBe(key);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // A second start (a restart) signs with the same key, so its tokens stay valid.
    const second = withSigningKey(loadConfig({ DATA_DIR: dir }, CWD));
    expect(second.jwt.SIGNING_KEY).toBe(key);
    // Another DATA_DIR is another key.
    const other = withSigningKey(loadConfig({ DATA_DIR: freshDir() }, CWD));
    expect(other.jwt.SIGNING_KEY).not.toBe(key);
  });

  it('in test, as in development, generates the key; a key file already there is used', () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'signing-key'), 'a-key-someone-put-here-0123456789abcdef\n');
    const config = withSigningKey(loadConfig({ NODE_ENV: 'test', DATA_DIR: dir }, CWD));
    expect(config.jwt.SIGNING_KEY).toBe('a-key-someone-put-here-0123456789abcdef');
  });

  it('writes no key file when JWT_SIGNING_KEY is given', () => {
    const dir = freshDir();
    const config = withSigningKey(loadConfig({ DATA_DIR: dir, JWT_SIGNING_KEY: SECRET }, CWD));
    expect(config.jwt.SIGNING_KEY).toBe(SECRET);
    expect(existsSync(join(dir, 'signing-key'))).toBe(false);
  });

  it('leaves everything but the key as loadConfig read it', () => {
    const env = { JWT_SIGNING_KEY: SECRET, PORT: '8080', JWT_ALGORITHM: 'HS512' };
    const loaded = loadConfig(env, CWD);
    expect(withSigningKey(loaded)).toEqual(loaded);
  });

  it('refuses RS256 with an HMAC string for a key, naming JWT_SIGNING_KEY', () => {
    const error = signingKeyError({ JWT_ALGORITHM: 'RS256', JWT_SIGNING_KEY: SECRET });
    expect(error.problems).toEqual([expect.stringMatching(/^JWT_SIGNING_KEY: RS256 needs a PEM private key/)]);
  });

  it('refuses RS256 in development without a key (it cannot generate a PEM one)', () => {
    const dir = freshDir();
    const error = signingKeyError({ JWT_ALGORITHM: 'RS256', DATA_DIR: dir });
    expect(error.problems).toEqual(['JWT_SIGNING_KEY: RS256 needs a PEM private key']);
    expect(existsSync(join(dir, 'signing-key'))).toBe(false);
  });

  it('accepts a PEM key written on one line with \\n escapes, as env files hold it', () => {
    const { privateKey, publicKey } = pemKeyPair('ec-p256');
    const oneLine = (pem: string) => pem.trim().replace(/\n/g, '\\n');
    const config = withSigningKey(
      loadConfig({ JWT_ALGORITHM: 'ES256', JWT_SIGNING_KEY: oneLine(privateKey), JWT_VERIFYING_KEY: oneLine(publicKey) }, CWD),
    );
    expect(config.jwt.ALGORITHM).toBe('ES256');
  });

  it.each<[string, KeyType]>([
    ['RS256', 'ec-p256'],
    ['ES256', 'rsa'],
    ['ES256', 'ec-p384'],
  ])('refuses %s with a private key of the wrong kind (%s), naming JWT_SIGNING_KEY', (algorithm, type) => {
    // Otherwise the app starts and every login fails with a 500 when jsonwebtoken refuses to sign.
    const error = signingKeyError({ JWT_ALGORITHM: algorithm, JWT_SIGNING_KEY: pemKeyPair(type).privateKey });
    expect(error.problems).toEqual([expect.stringMatching(/^JWT_SIGNING_KEY: /)]);
  });

  it('refuses a JWT_VERIFYING_KEY that is not a PEM public key, naming JWT_VERIFYING_KEY', () => {
    const { privateKey } = pemKeyPair('rsa');
    const error = signingKeyError({ JWT_ALGORITHM: 'RS256', JWT_SIGNING_KEY: privateKey, JWT_VERIFYING_KEY: 'not a key' });
    expect(error.problems).toEqual([expect.stringMatching(/^JWT_VERIFYING_KEY: /)]);
  });

  it('refuses a header name that is not one, naming JWT_AUTH_HEADER_NAME', () => {
    const error = signingKeyError({ JWT_SIGNING_KEY: SECRET, JWT_AUTH_HEADER_NAME: 'X Access Token' });
    expect(error.problems).toEqual(['JWT_AUTH_HEADER_NAME: not a header name: "X Access Token"']);
  });

  it('refuses an empty list of header types, naming JWT_AUTH_HEADER_TYPES', () => {
    const error = signingKeyError({ JWT_SIGNING_KEY: SECRET, JWT_AUTH_HEADER_TYPES: ' , ' });
    expect(error.problems).toEqual(['JWT_AUTH_HEADER_TYPES: expected one or more words without spaces']);
  });
});
