import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule, DrfValidationPipe, RedisThrottleStore } from '@nest-simplejwt/auth';
import type { AppConfig } from './config/app-config.js';
import { dataSourceOptions } from './database/data-source.js';
import { HealthModule } from './health/health.module.js';
import { LifecycleModule } from './lifecycle/lifecycle.module.js';
import { AuthEventLog } from './logging/auth-event-log.js';
import { FanOutEventSink } from './logging/fan-out-event-sink.js';
import { NotesModule } from './notes/notes.module.js';
import { UsersModule } from './users/users.module.js';
import { UsersService } from './users/users.service.js';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Wires configuration, the database, shutdown state, users, auth, health and the example notes resource. */
@Module({})
export class AppModule {
  /** `imports`: more modules to serve beside the app's own (the specs add test controllers). */
  static register(config: AppConfig, databaseUrl: string, imports: ModuleMetadata['imports'] = []): DynamicModule {
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
            // Every sink the auth events go to: the audit log lines (with the request id).
            events: new FanOutEventSink([new AuthEventLog()]),
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
      ],
    };
  }
}
