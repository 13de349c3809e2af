import type { LoggerService, LogLevel, ModuleMetadata } from '@nestjs/common';
import { DiscoveryService, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  AuthenticationGuard,
  clientErrorHandler,
  DrfExceptionFilter,
  frameworkErrorHandler,
  installBodyParser,
  installMethodNotAllowed,
  PermissionsGuard,
  routeTable,
  ThrottleGuard,
} from '@nest-simplejwt/auth';
import { AppModule } from '../app.module.js';
import type { AppConfig } from '../config/app-config.js';
import { setupOpenApi } from './openapi.js';
import { routeLocks, type RouteLocks } from './route-security.js';

export interface CreateAppOptions {
  logger?: LoggerService | LogLevel[] | false;
  /** More modules to serve beside the app's own. */
  imports?: ModuleMetadata['imports'];
}

/** The app, configured and initialised but not listening: main.ts and the tests share it. */
export async function createApp(
  config: AppConfig,
  databaseUrl: string,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: config.bodyLimit,
    clientErrorHandler,
    frameworkErrors: frameworkErrorHandler,
    return503OnClosing: true,
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, databaseUrl, options.imports), adapter, {
    bodyParser: false,
    abortOnError: false,
    logger: options.logger,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.decorateRequest('user', null);
  fastify.decorateRequest('auth', null);
  installBodyParser(fastify, config.bodyLimit);
  let locks: RouteLocks = new Map();
  if (config.openApiPath !== null) setupOpenApi(app, config.openApiPath, () => locks);
  await app.init();
  const routes = routeTable(app.get(DiscoveryService));
  if (config.openApiPath !== null) locks = await routeLocks(app, routes);
  installMethodNotAllowed(fastify, routes, {
    guards: [app.get(AuthenticationGuard), app.get(PermissionsGuard), app.get(ThrottleGuard)],
    filter: app.get(DrfExceptionFilter),
  });
  return app;
}

/** Nest's log levels from LOG_LEVEL: that level and every more severe one. */
export function logLevels(level: AppConfig['logLevel']): LogLevel[] {
  const all: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  return all.slice(0, all.indexOf(level) + 1);
}
