import { ConfigurableModuleBuilder, type FactoryProvider, type ModuleMetadata, type Type } from '@nestjs/common';
import type { AuthModuleOptions } from './auth.options.js';

/** Options fixed when the module is imported (they shape routes and globals, so no factory). */
export interface AuthModuleExtras {
  /** Where the token routes are mounted. @default 'api/token' */
  path: string;
  /** Also mount `{path}/sliding/` and `{path}/sliding/refresh/`. @default false */
  slidingTokens: boolean;
  /** Where the public keys are served as a JWKS (404 with HMAC only); `false` serves none. @default '.well-known/jwks.json' */
  jwksPath: string | false;
  /** Guard every route: authentication, permissions, then throttles (DRF's APIView.initial). @default true */
  globalGuards: boolean;
  /** Write every error in DRF's shape. @default true */
  errorFilter: boolean;
  /** Make the module's exports visible everywhere. @default false */
  isGlobal: boolean;
  /**
   * Mount the session routes (the caller's sessions, staff's view of a user's, and the password
   * change). They need `UserStore.checkPassword` and `setPassword`: the app refuses to start
   * without them while this is on.
   * @default true
   */
  sessionRoutes: boolean;
  /** Where the caller's session routes go. @default 'api/sessions' */
  sessionsPath: string;
  /** Where staff's `{id}/sessions/` routes go. @default 'api/users' */
  usersPath: string;
  /** Where the password change goes. @default 'api/password/change' */
  passwordChangePath: string;
}

export const AUTH_EXTRAS_DEFAULTS: AuthModuleExtras = {
  path: 'api/token',
  slidingTokens: false,
  jwksPath: '.well-known/jwks.json',
  globalGuards: true,
  errorFilter: true,
  isGlobal: false,
  sessionRoutes: true,
  sessionsPath: 'api/sessions',
  usersPath: 'api/users',
  passwordChangePath: 'api/password/change',
};

/** Injection token of the mounting options as resolved (defaults filled in). */
export const AUTH_EXTRAS = Symbol('AUTH_EXTRAS');

export const {
  ConfigurableModuleClass: AuthConfigurableModule,
  MODULE_OPTIONS_TOKEN: AUTH_OPTIONS,
  OPTIONS_TYPE: AUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AUTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AuthModuleOptions>({ moduleName: 'Auth' })
  .setClassMethodName('forRoot')
  .setExtras<Partial<AuthModuleExtras>>({}, (definition) => definition)
  .build();

/** `AuthModule.forRoot()`'s argument: the settings and ports, and the mounting options. */
export type AuthModuleRootOptions<TUser extends object = object> = AuthModuleOptions<TUser> & Partial<AuthModuleExtras>;

/** Makes the options for `forRootAsync({ useClass })` / `useExisting`. */
export interface AuthOptionsFactory<TUser extends object = object> {
  create(): AuthModuleOptions<TUser> | Promise<AuthModuleOptions<TUser>>;
}

/**
 * `AuthModule.forRootAsync()`'s argument: a factory (with what it injects), a class or an existing
 * provider that makes the options, and the mounting options.
 */
export interface AuthModuleAsyncOptions<TUser extends object = object> extends Pick<ModuleMetadata, 'imports'>, Partial<AuthModuleExtras> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  useFactory?: (...args: any[]) => AuthModuleOptions<TUser> | Promise<AuthModuleOptions<TUser>>;
  inject?: FactoryProvider['inject'];
  useClass?: Type<AuthOptionsFactory<TUser>>;
  useExisting?: Type<AuthOptionsFactory<TUser>>;
}
