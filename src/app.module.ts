import { Module, type DynamicModule, type ModuleMetadata, type Provider } from '@nestjs/common';
import { APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule, DrfValidationPipe, parseDuration, RedisThrottleStore, type AuthEventSink } from '@nest-simplejwt/auth';
import type { AppConfig } from './config/app-config.js';
import { dataSourceOptions } from './database/data-source.js';
import { HealthModule } from './health/health.module.js';
import { LifecycleModule } from './lifecycle/lifecycle.module.js';
import { ShutdownState } from './lifecycle/shutdown-state.js';
import { AuthEventLog } from './logging/auth-event-log.js';
import { TokenPruner } from './maintenance/token-pruner.js';
import { NotesModule } from './notes/notes.module.js';
import { UsersModule } from './users/users.module.js';
import { UsersService } from './users/users.service.js';
import { CompositeEventSink } from './observability/composite-sink.js';
import { AppMetrics } from './observability/metrics.js';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Wires configuration, the database, shutdown state, users, auth, health and the example notes resource. */
@Module({})
export class AppModule {
  /** `imports`: more modules to serve beside the app's own (the specs add test controllers). */
  static register(config: AppConfig, databaseUrl: string, imports: ModuleMetadata['imports'] = []): DynamicModule {
    // METRICS_PORT: a registry of this app's own; none at all (no hook, no sink) when off.
    const metrics = config.metrics === null ? null : new AppMetrics();
    // The AuthModule's events go to every sink here: the audit log lines (with the request id)
    // first, then the metrics.
    const eventSinks: AuthEventSink[] = [new AuthEventLog()];
    if (metrics !== null) eventSinks.push(metrics.events);
    const providers: Provider[] = [];
    if (metrics !== null) providers.push({ provide: AppMetrics, useValue: metrics });
    if (config.flushExpiredTokensInterval > 0) {
      providers.push({
        provide: TokenPruner,
        inject: [ShutdownState],
        useFactory: (state: ShutdownState) =>
          new TokenPruner({
            databaseUrl,
            intervalSeconds: config.flushExpiredTokensInterval,
            loginFailureWindow: parseDuration(config.jwt.LOGIN_FAILURE_WINDOW, 'LOGIN_FAILURE_WINDOW'),
            state,
          }),
      });
    }
    return {
      module: AppModule,
      imports: [
        DiscoveryModule,
        TypeOrmModule.forRoot(
          dataSourceOptions(databaseUrl, config.databasePoolSize, {
            statementMs: Math.round(config.databaseStatementTimeout * 1000),
            poolMs: Math.round(config.databasePoolTimeout * 1000),
          }),
        ),
        LifecycleModule,
        UsersModule,
        AuthModule.forRootAsync({
          imports: [UsersModule],
          inject: [UsersService],
          useFactory: async (users: UsersService) => ({
            ...config.jwt,
            ...config.cookies,
            DEFAULT_PERMISSION_CLASSES: config.defaultPermissionClasses,
            userStore: users,
            throttleStore: config.throttleStore === null ? undefined : await RedisThrottleStore.connect(config.throttleStore),
            events: new CompositeEventSink(eventSinks),
          }),
          path: config.tokenPath,
          slidingTokens: config.slidingTokens,
        }),
        HealthModule,
        NotesModule,
        ...imports,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_PIPE, useClass: DrfValidationPipe },
        ...providers,
      ],
    };
  }
}
