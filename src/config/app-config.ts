import { isAbsolute, resolve } from 'node:path';
import { resolveCookieSettings, SettingsError, type CookieSettings, type PermissionClass, type SimpleJwtSettings } from '@nest-simplejwt/auth';
import { ConfigError, SettingProblem } from './config-error.js';
import { SETTINGS, type SettingName, type SettingValue } from './settings.js';

/** The app's configuration, read once from the environment and checked. */
export interface AppConfig {
  readonly nodeEnv: SettingValue<'NODE_ENV'>;
  readonly host: string;
  readonly port: number;
  readonly logLevel: SettingValue<'LOG_LEVEL'>;
  /** LOG_FORMAT with auto resolved by NODE_ENV. */
  readonly logFormat: 'json' | 'pretty';
  readonly accessLog: boolean;
  readonly bodyLimit: number;
  /** Null: use the embedded PostgreSQL. */
  readonly databaseUrl: string | null;
  readonly databasePoolSize: number;
  /** Seconds; 0: no limit. */
  readonly databaseStatementTimeout: number;
  /** Seconds; 0: no limit. */
  readonly databasePoolTimeout: number;
  readonly migrateOnStart: boolean;
  /** Absolute. */
  readonly dataDir: string;
  /** Null: no explorer. */
  readonly openApiPath: string | null;
  /** Seconds in-flight requests get to finish on SIGTERM/SIGINT. */
  readonly shutdownTimeout: number;
  /** Null: no metrics server. */
  readonly metrics: { readonly host: string; readonly port: number } | null;
  /** Seconds between in-server flushexpiredtokens rounds; 0: none. */
  readonly flushExpiredTokensInterval: number;
  /** A redis:// URL; null: in this process's memory. */
  readonly throttleStore: string | null;
  /** SimpleJWT's settings under their own names; SIGNING_KEY may still be empty (see signing-key.ts). */
  readonly jwt: SimpleJwtSettings;
  readonly defaultPermissionClasses: PermissionClass[];
  readonly tokenPath: string;
  readonly slidingTokens: boolean;
  /** Cookie mode and CSRF: dj-rest-auth's and Django's settings under their own names. */
  readonly cookies: CookieSettings;
  /** django-cors-headers' settings; no origins: no CORS. */
  readonly cors: { readonly allowedOrigins: string[]; readonly allowCredentials: boolean };
}

export type Environment = Record<string, string | undefined>;

/** Reads and checks every setting; a ConfigError lists every bad one at once. */
export function loadConfig(env: Environment = process.env, cwd: string = process.cwd()): AppConfig {
  const problems: string[] = [];
  const read = <N extends SettingName>(name: N): SettingValue<N> => {
    const spec = SETTINGS[name];
    const raw = env[name];
    const value = raw === undefined || raw.trim() === '' ? spec.default : raw;
    try {
      return spec.parse(value) as SettingValue<N>;
    } catch (error) {
      if (!(error instanceof SettingProblem)) throw error;
      problems.push(`${name}: ${error.message}`);
      return spec.parse(spec.default) as SettingValue<N>;
    }
  };

  const databaseUrl = read('DATABASE_URL') || null;
  const migrate = read('DATABASE_MIGRATE_ON_START');
  const dataDir = read('DATA_DIR');
  const openApiPath = read('OPENAPI_PATH');
  const port = read('PORT');
  const metricsPort = read('METRICS_PORT');
  if (metricsPort !== 0 && metricsPort === port) problems.push(`METRICS_PORT: ${metricsPort} is PORT too; the metrics server needs a port of its own`);
  const nodeEnv = read('NODE_ENV');
  const logFormat = read('LOG_FORMAT');
  const config: AppConfig = {
    nodeEnv,
    host: read('HOST'),
    port,
    logLevel: read('LOG_LEVEL'),
    logFormat: logFormat === 'auto' ? (nodeEnv === 'production' ? 'json' : 'pretty') : logFormat,
    accessLog: read('ACCESS_LOG'),
    bodyLimit: read('BODY_LIMIT'),
    databaseUrl,
    databasePoolSize: read('DATABASE_POOL_SIZE'),
    databaseStatementTimeout: read('DATABASE_STATEMENT_TIMEOUT'),
    databasePoolTimeout: read('DATABASE_POOL_TIMEOUT'),
    migrateOnStart: migrate === 'auto' ? databaseUrl === null : migrate === 'true',
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir),
    openApiPath: openApiPath === 'off' ? null : trimSlashes(openApiPath),
    shutdownTimeout: read('SHUTDOWN_TIMEOUT'),
    metrics: metricsPort === 0 ? null : { host: read('METRICS_HOST'), port: metricsPort },
    flushExpiredTokensInterval: read('FLUSH_EXPIRED_TOKENS_INTERVAL'),
    throttleStore: read('THROTTLE_STORE'),
    jwt: {
      ACCESS_TOKEN_LIFETIME: read('JWT_ACCESS_TOKEN_LIFETIME'),
      REFRESH_TOKEN_LIFETIME: read('JWT_REFRESH_TOKEN_LIFETIME'),
      ROTATE_REFRESH_TOKENS: read('JWT_ROTATE_REFRESH_TOKENS'),
      BLACKLIST_AFTER_ROTATION: read('JWT_BLACKLIST_AFTER_ROTATION'),
      UPDATE_LAST_LOGIN: read('JWT_UPDATE_LAST_LOGIN'),
      ALGORITHM: read('JWT_ALGORITHM'),
      SIGNING_KEY: read('JWT_SIGNING_KEY'),
      VERIFYING_KEY: read('JWT_VERIFYING_KEY'),
      EXTRA_VERIFYING_KEYS: read('JWT_EXTRA_VERIFYING_KEYS'),
      KEY_ID: read('JWT_KEY_ID'),
      JWKS_MAX_AGE: read('JWT_JWKS_MAX_AGE'),
      JWK_URL: read('JWT_JWK_URL'),
      JWK_CACHE_LIFETIME: read('JWT_JWK_CACHE_LIFETIME'),
      JWK_REFETCH_INTERVAL: read('JWT_JWK_REFETCH_INTERVAL'),
      JWK_TIMEOUT: read('JWT_JWK_TIMEOUT'),
      AUDIENCE: read('JWT_AUDIENCE'),
      ISSUER: read('JWT_ISSUER'),
      LEEWAY: read('JWT_LEEWAY'),
      AUTH_HEADER_TYPES: read('JWT_AUTH_HEADER_TYPES'),
      AUTH_HEADER_NAME: read('JWT_AUTH_HEADER_NAME'),
      AUTHENTICATION_CLASS: read('JWT_AUTHENTICATION_CLASS'),
      USER_ID_FIELD: read('JWT_USER_ID_FIELD'),
      USER_ID_CLAIM: read('JWT_USER_ID_CLAIM'),
      AUTH_TOKEN_CLASSES: read('JWT_AUTH_TOKEN_CLASSES'),
      TOKEN_TYPE_CLAIM: read('JWT_TOKEN_TYPE_CLAIM'),
      JTI_CLAIM: read('JWT_JTI_CLAIM'),
      SLIDING_TOKEN_REFRESH_EXP_CLAIM: read('JWT_SLIDING_TOKEN_REFRESH_EXP_CLAIM'),
      SLIDING_TOKEN_LIFETIME: read('JWT_SLIDING_TOKEN_LIFETIME'),
      SLIDING_TOKEN_REFRESH_LIFETIME: read('JWT_SLIDING_TOKEN_REFRESH_LIFETIME'),
      REFRESH_TOKEN_REUSE_GRACE: read('JWT_REFRESH_TOKEN_REUSE_GRACE'),
      SESSION_LIFETIME: read('JWT_SESSION_LIFETIME'),
      DEFAULT_THROTTLE_RATES: read('THROTTLE_RATES'),
      NUM_PROXIES: read('NUM_PROXIES'),
      LOGIN_FAILURE_LIMIT: read('LOGIN_FAILURE_LIMIT'),
      LOGIN_FAILURE_LIMIT_PER_ADDRESS: read('LOGIN_FAILURE_LIMIT_PER_ADDRESS'),
      LOGIN_FAILURE_WINDOW: read('LOGIN_FAILURE_WINDOW'),
      LOGIN_COOLOFF: read('LOGIN_COOLOFF'),
    },
    defaultPermissionClasses: read('DEFAULT_PERMISSION_CLASSES'),
    tokenPath: trimSlashes(read('JWT_TOKEN_PATH')),
    slidingTokens: read('JWT_SLIDING_TOKENS'),
    cookies: {
      JWT_AUTH_COOKIE: read('JWT_AUTH_COOKIE'),
      JWT_AUTH_REFRESH_COOKIE: read('JWT_AUTH_REFRESH_COOKIE'),
      JWT_AUTH_REFRESH_COOKIE_PATH: read('JWT_AUTH_REFRESH_COOKIE_PATH'),
      JWT_AUTH_SECURE: read('JWT_AUTH_SECURE'),
      JWT_AUTH_HTTPONLY: read('JWT_AUTH_HTTPONLY'),
      JWT_AUTH_SAMESITE: read('JWT_AUTH_SAMESITE'),
      JWT_AUTH_COOKIE_DOMAIN: read('JWT_AUTH_COOKIE_DOMAIN'),
      CSRF_COOKIE_NAME: read('CSRF_COOKIE_NAME'),
      CSRF_HEADER_NAME: read('CSRF_HEADER_NAME'),
      CSRF_TRUSTED_ORIGINS: read('CSRF_TRUSTED_ORIGINS'),
    },
    cors: { allowedOrigins: read('CORS_ALLOWED_ORIGINS'), allowCredentials: read('CORS_ALLOW_CREDENTIALS') },
  };
  if (problems.length === 0) {
    // The combinations the AuthModule would refuse at start (SameSite=None without Secure, a
    // __Host- cookie with a Domain...), named now: the variables carry the settings' own names.
    try {
      resolveCookieSettings(config.cookies);
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
