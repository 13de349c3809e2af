// The public API of the AuthModule: what another Nest app may import. Everything else is private.
export { AuthModule } from './auth.module.js';
export {
  AUTH_OPTIONS,
  type AuthModuleAsyncOptions,
  type AuthModuleExtras,
  type AuthModuleRootOptions,
  type AuthOptionsFactory,
} from './auth.module-definition.js';
export {
  ALGORITHMS,
  AUTHENTICATION_CLASSES,
  SIMPLE_JWT_DEFAULTS,
  TOKEN_CLASSES,
  type Algorithm,
  type AuthenticationClass,
  type AuthModuleOptions,
  type AuthTokenClass,
  type ExtraVerifyingKey,
  type ExtraVerifyingKeyEntry,
  type LoginAttempt,
  type Duration,
  type SimpleJwtSettings,
} from './auth.options.js';
export { headerName, MAX_FAILURE_LIMIT, parseDuration, resolveSettings, SettingsError, SIMPLE_JWT, type ResolvedSettings } from './auth.settings.js';

export { AuthenticationGuard } from './authentication/authentication.guard.js';
export { JwtAuthentication, type Authenticated } from './authentication/jwt-authentication.service.js';
export { JwtStrategy } from './authentication/jwt.strategy.js';
export { UserResolver } from './authentication/user-resolver.service.js';
export { USER_STORE, type SqlUserLookup, type UserStore } from './authentication/user-store.js';
export { CurrentUser } from './authentication/current-user.decorator.js';
export { SkipAuthentication, SKIP_AUTHENTICATION_METADATA } from './authentication/skip-authentication.decorator.js';
export { TokenUser, type TokenUserClass } from './authentication/token-user.js';
export { clientAddress, clientInfo, type ClientInfo, type RequestWithClient } from './authentication/client-info.js';

export { COOKIE_DEFAULTS, SAME_SITE_VALUES, type CookieSettings, type SameSite } from './cookies/cookie.options.js';
export {
  COOKIE_SETTINGS,
  isTrustedOrigin,
  resolveCookieSettings,
  trustedOrigin,
  type CookieAttributes,
  type ResolvedCookieSettings,
  type TrustedOrigin,
} from './cookies/cookie-settings.js';
export { readCookie, serializeCookie } from './cookies/cookie-header.js';
export { CsrfProtection } from './cookies/csrf-protection.service.js';
export { CookieTokenSource } from './cookies/cookie-token-source.js';

export { BlacklistRepository, type TokenRecord } from './blacklist/blacklist.repository.js';
export { SessionRepository, type RotationOutcome, type RotationRequest } from './sessions/session.repository.js';
export { TokenSession } from './sessions/session.entity.js';
export {
  LoginFailureRepository,
  type ClearedLockout,
  type FailureOutcome,
  type LockoutLimits,
  type LockScope,
} from './lockout/login-failure.repository.js';
export { LoginLockout } from './lockout/login-lockout.service.js';
export { LoginFailure } from './lockout/login-failure.entity.js';
export type { Generation, NewSession, RevocationReason, SessionView } from './sessions/session.types.js';
export { AUTH_EVENT_SINK, AuthEvents, LoggerEventSink, SECURITY_EVENTS, type AuthEvent, type AuthEventName, type AuthEventSink } from './events/auth-events.js';
export { BlacklistedToken } from './blacklist/blacklisted-token.entity.js';
export { OutstandingToken } from './blacklist/outstanding-token.entity.js';

export { DrfExceptionFilter, toApiException } from './errors/drf-exception.filter.js';
export * from './errors/exceptions.js';
export { MESSAGES } from './errors/messages.js';

export { AllowAny, IsAdminUser, IsAuthenticated, IsAuthenticatedOrReadOnly } from './permissions/builtin.permissions.js';
export { and, not, or } from './permissions/composition.js';
export {
  BasePermission,
  requestOf,
  SAFE_METHODS,
  type AuthenticatedRequest,
  type Permission,
  type PermissionClass,
} from './permissions/permission.js';
export { checkObjectPermissions, ObjectPermissions, type ObjectPermissionCheck } from './permissions/object-permissions.js';
export { PermissionResolver } from './permissions/permission-resolver.service.js';
export { Permissions, PERMISSIONS_METADATA, Public } from './permissions/permissions.decorator.js';
export { PermissionsGuard } from './permissions/permissions.guard.js';

export { parseRate, parseRates, rateTable, type Rate, type ThrottleRates } from './throttling/throttle-rates.js';
export { MemoryThrottleStore, type ThrottleStore } from './throttling/throttle-store.js';
export { RedisThrottleStore, type RedisClient, type RedisThrottleStoreOptions } from './throttling/redis-throttle-store.js';
export { NoThrottle, ThrottleScope, THROTTLE_SCOPE_METADATA } from './throttling/throttle-scope.decorator.js';
export { ThrottleGuard } from './throttling/throttle.guard.js';

export { TokenController, SlidingTokenController } from './tokens/token.controller.js';
export { TokenIssuer } from './tokens/token-issuer.service.js';
export { TokenService, ISSUED_TOKEN_TYPES, isWellFormed, newJti } from './tokens/token.service.js';
export { parseStrictJson } from './tokens/strict-json.js';
export { keyProblem } from './tokens/jose.js';

export { JwksController } from './keys/jwks.controller.js';
export { KeySet, type VerifyingKey } from './keys/key-set.js';
export { jwkThumbprint, publicJwk, type PublicJwk } from './keys/jwk.js';
export { readKeyMaterial } from './keys/key-material.js';
export { parseJwks, RemoteJwks, type RemoteJwksOptions } from './keys/remote-jwks.js';
export { TokenError } from './tokens/token-error.js';
export type { Claims, MintedToken, TokenType } from './tokens/token-types.js';

export { DrfValidationPipe } from './validation/drf-validation.pipe.js';
export { UnreadableBody } from './validation/unreadable-body.js';
export { RequestData, validated } from './validation/request-data.js';
export { drfDateTime } from './validation/date-time.js';
export { CharField, type CharFieldOptions } from './validation/fields.js';

export { AuthDatabase, type AuthDatabaseSource, type QueryOutcome } from './database/auth-database.js';
export { DatabaseAvailability } from './database/database-availability.js';
export { databaseUnavailability, type DatabaseUnavailability } from './database/database-errors.js';
export {
  BoundedClient,
  databasePoolOptions,
  databaseTimeouts,
  DEFAULT_POOL_TIMEOUT,
  DEFAULT_STATEMENT_TIMEOUT,
  type DatabaseTimeouts,
} from './database/database-timeouts.js';
export { AUTH_TABLES, AuthSchemaError, migrateSchema, missingSchema } from './database/auth-schema.js';

import { BlacklistedToken } from './blacklist/blacklisted-token.entity.js';
import { OutstandingToken } from './blacklist/outstanding-token.entity.js';
import { TokenSession } from './sessions/session.entity.js';
import { LoginFailure } from './lockout/login-failure.entity.js';
import { AUTH_MIGRATION_STEPS } from './database/auth-schema.js';
/** The module's TypeORM entities, for a DataSource that should know its tables. */
export const AUTH_ENTITIES = [OutstandingToken, BlacklistedToken, TokenSession, LoginFailure];
/** The module's migrations, to run with your own through TypeORM (or let the module run them: `runMigrations`). */
export const AUTH_MIGRATIONS = AUTH_MIGRATION_STEPS.map((step) => step.migration);

export { setupDrfHttp, type DrfHttpOptions } from './http/drf-http.js';
export { drfFastifyOptions } from './http/fastify-options.js';
export { parseBody } from './http/body-parser.js';
export { allowHeader, MethodNotAllowedResponder } from './http/method-not-allowed.js';
export { RouteContext } from './http/route-context.js';
export { routeTable, type RouteEntry } from './http/route-table.js';
