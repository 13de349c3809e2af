import { Controller, Module, UseGuards, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Algorithm as JwtAlgorithm } from 'jsonwebtoken';
import {
  AUTH_ASYNC_OPTIONS_TYPE,
  AUTH_EXTRAS,
  AUTH_EXTRAS_DEFAULTS,
  AUTH_OPTIONS,
  AUTH_OPTIONS_TYPE,
  AuthConfigurableModule,
  type AuthModuleAsyncOptions,
  type AuthModuleExtras,
  type AuthModuleRootOptions,
} from './auth.module-definition.js';
import type { AuthModuleOptions } from './auth.options.js';
import { resolveSettings, SIMPLE_JWT, stripUndefined, type ResolvedSettings } from './auth.settings.js';
import { AuthenticationGuard } from './authentication/authentication.guard.js';
import { BearerTokenValidator } from './authentication/bearer-token.validator.js';
import { JwtAuthentication } from './authentication/jwt-authentication.service.js';
import { JwtStrategy } from './authentication/jwt.strategy.js';
import { UserResolver } from './authentication/user-resolver.service.js';
import { USER_STORE } from './authentication/user-store.js';
import { BlacklistRepository } from './blacklist/blacklist.repository.js';
import { COOKIE_SETTINGS, resolveCookieSettings } from './cookies/cookie-settings.js';
import { CookieTokenSource } from './cookies/cookie-token-source.js';
import { CsrfProtection } from './cookies/csrf-protection.service.js';
import { TOKEN_ROUTES_PATH, TokenCookies } from './cookies/token-cookies.js';
import { TokenResponses } from './cookies/token-responses.js';
import { AuthDatabase } from './database/auth-database.js';
import { DatabaseAvailability } from './database/database-availability.js';
import { AuthSchemaCheck } from './database/auth-schema.js';
import { AUTH_EVENT_SINK, AuthEvents, LoggerEventSink } from './events/auth-events.js';
import { SessionRepository } from './sessions/session.repository.js';
import { SessionUsers } from './sessions/session-users.service.js';
import { PasswordChangeController } from './sessions/password-change.controller.js';
import { SessionService } from './sessions/session.service.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { UserSessionsController } from './sessions/user-sessions.controller.js';
import { DrfExceptionFilter } from './errors/drf-exception.filter.js';
import { JwksController } from './keys/jwks.controller.js';
import { LoginFailureRepository } from './lockout/login-failure.repository.js';
import { LoginLockout } from './lockout/login-lockout.service.js';
import { MethodNotAllowedResponder } from './http/method-not-allowed.js';
import { PermissionResolver } from './permissions/permission-resolver.service.js';
import { PermissionsGuard } from './permissions/permissions.guard.js';
import { ThrottleGuard } from './throttling/throttle.guard.js';
import { SlidingTokenController, TokenController } from './tokens/token.controller.js';
import { TokenIssuer } from './tokens/token-issuer.service.js';
import { ISSUED_TOKEN_TYPES, TokenService } from './tokens/token.service.js';

const EXPORTS = [
  SIMPLE_JWT,
  COOKIE_SETTINGS,
  CsrfProtection,
  CookieTokenSource,
  USER_STORE,
  TokenService,
  TokenIssuer,
  AuthDatabase,
  DatabaseAvailability,
  AuthEvents,
  BlacklistRepository,
  SessionRepository,
  LoginFailureRepository,
  LoginLockout,
  JwtAuthentication,
  UserResolver,
  PermissionResolver,
  AuthenticationGuard,
  PermissionsGuard,
  ThrottleGuard,
  DrfExceptionFilter,
];

/**
 * JWT authentication the way djangorestframework-simplejwt does it, for Nest:
 * `AuthModule.forRoot({ userStore, SIGNING_KEY, ...SIMPLE_JWT settings })`, or `forRootAsync`.
 * Its tables live in PostgreSQL (`database`; by default the app's TypeORM DataSource).
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: SIMPLE_JWT,
      inject: [AUTH_OPTIONS],
      useFactory: (options: AuthModuleOptions) => resolveSettings(options),
    },
    { provide: USER_STORE, inject: [AUTH_OPTIONS], useFactory: (options: AuthModuleOptions) => options.userStore },
    { provide: COOKIE_SETTINGS, inject: [AUTH_OPTIONS], useFactory: (options: AuthModuleOptions) => resolveCookieSettings(options) },
    {
      provide: JwtService,
      inject: [SIMPLE_JWT],
      useFactory: (s: ResolvedSettings) =>
        new JwtService({
          privateKey: s.SIGNING_KEY,
          publicKey: s.VERIFYING_KEY,
          // TokenService signs and verifies on node:crypto (jsonwebtoken has no EdDSA); kept for subclasses.
          signOptions: { algorithm: s.ALGORITHM as JwtAlgorithm },
          verifyOptions: {
            algorithms: [s.ALGORITHM as JwtAlgorithm],
            clockTolerance: s.LEEWAY,
            audience: s.AUDIENCE || undefined,
            issuer: s.ISSUER || undefined,
          },
        }),
    },
    AuthDatabase,
    DatabaseAvailability,
    AuthSchemaCheck,
    {
      provide: AUTH_EVENT_SINK,
      inject: [AUTH_OPTIONS],
      useFactory: (options: AuthModuleOptions) => options.events ?? new LoggerEventSink(),
    },
    AuthEvents,
    SessionRepository,
    SessionUsers,
    SessionService,
    LoginFailureRepository,
    LoginLockout,
    TokenService,
    TokenIssuer,
    BlacklistRepository,
    UserResolver,
    BearerTokenValidator,
    JwtStrategy,
    JwtAuthentication,
    PermissionResolver,
    AuthenticationGuard,
    PermissionsGuard,
    ThrottleGuard,
    DrfExceptionFilter,
    MethodNotAllowedResponder,
    CsrfProtection,
    CookieTokenSource,
    TokenCookies,
    TokenResponses,
  ],
  exports: EXPORTS,
})
export class AuthModule extends AuthConfigurableModule {
  /** The module configured with `options`: SimpleJWT's settings, your `userStore`, and where to mount. */
  static override forRoot<TUser extends object>(options: AuthModuleRootOptions<TUser>): DynamicModule {
    return withExtras(super.forRoot(options as typeof AUTH_OPTIONS_TYPE), options);
  }

  /** The module configured by a factory (or class) that may inject your providers, e.g. the user store. */
  static override forRootAsync<TUser extends object>(options: AuthModuleAsyncOptions<TUser>): DynamicModule {
    return withExtras(super.forRootAsync(options as typeof AUTH_ASYNC_OPTIONS_TYPE), options);
  }
}

function withExtras(definition: DynamicModule, given: Partial<AuthModuleExtras>): DynamicModule {
  const extras = { ...AUTH_EXTRAS_DEFAULTS, ...stripUndefined(given) };
  const providers: Provider[] = [
    ...(definition.providers ?? []),
    { provide: AUTH_EXTRAS, useValue: Object.freeze(extras) },
    { provide: TOKEN_ROUTES_PATH, useValue: extras.path },
  ];
  if (extras.globalGuards) {
    // Global guards run in this order, as DRF's APIView.initial: who is asking, whether they
    // may, and whether they are asking too often.
    providers.push({ provide: APP_GUARD, useExisting: AuthenticationGuard });
    providers.push({ provide: APP_GUARD, useExisting: PermissionsGuard });
    providers.push({ provide: APP_GUARD, useExisting: ThrottleGuard });
  }
  if (extras.errorFilter) providers.push({ provide: APP_FILTER, useExisting: DrfExceptionFilter });
  const controllers: Type[] = [tokenRoutes(TokenController, extras.path)];
  if (extras.slidingTokens) controllers.push(tokenRoutes(SlidingTokenController, extras.path));
  if (extras.sessionRoutes) {
    controllers.push(mounted(SessionsController, extras.sessionsPath));
    controllers.push(mounted(UserSessionsController, extras.usersPath));
    controllers.push(mounted(PasswordChangeController, extras.passwordChangePath));
  }
  if (extras.jwksPath !== false) controllers.push(mounted(JwksController, extras.jwksPath));
  providers.push({ provide: ISSUED_TOKEN_TYPES, useValue: extras.slidingTokens ? ['access', 'refresh', 'sliding'] : ['access', 'refresh'] });
  return { ...definition, global: extras.isGlobal, providers, controllers };
}

/** Token routes mounted at `path`: no-store answers, and cookies in cookie mode (TokenResponses, a guard of theirs). */
function tokenRoutes<T extends Type>(controller: T, path: string): T {
  const subclass = mounted(controller, path);
  UseGuards(TokenResponses)(subclass);
  return subclass;
}

/** A subclass mounted at `path`, so two apps in one process can mount the routes differently. */
function mounted<T extends Type>(controller: T, path: string): T {
  const subclass = class extends controller {};
  Object.defineProperty(subclass, 'name', { value: controller.name });
  Controller(path)(subclass);
  return subclass;
}
