import type { LoggerService, LogLevel, ModuleMetadata } from '@nestjs/common';
import { DiscoveryService, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { drfFastifyOptions, headerName, routeTable, setupDrfHttp } from '@nest-simplejwt/auth';
import { AppModule } from '../app.module.js';
import type { AppConfig } from '../config/app-config.js';
import { PROBE_PATHS } from '../health/health.controller.js';
import { RequestDrain } from '../lifecycle/request-drain.js';
import { AppMetrics } from '../observability/metrics.js';
import { installCors } from './cors.js';
import { setupOpenApi } from './openapi.js';
import { routeLocks, type RouteLocks } from './route-security.js';
import { installSecurityHeaders } from './security-headers.js';

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
  const adapter = new FastifyAdapter({ ...drfFastifyOptions(config.bodyLimit), logger: false });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, databaseUrl, options.imports), adapter, {
    bodyParser: false,
    abortOnError: false,
    logger: options.logger,
  });
  await setupDrfHttp(app);
  app.get(RequestDrain).install(app.getHttpAdapter().getInstance(), { answeredWhileDraining: PROBE_PATHS });
  const metrics = config.metrics === null ? null : app.get(AppMetrics);
  metrics?.instrument(app.getHttpAdapter().getInstance());
  await installSecurityHeaders(app);
  installCors(app.getHttpAdapter().getInstance() as FastifyInstance, {
    ...config.cors,
    extraHeaders: [headerName(config.cookies.CSRF_HEADER_NAME), headerName(config.jwt.AUTH_HEADER_NAME)],
  });
  let locks: RouteLocks = new Map();
  if (config.openApiPath !== null) setupOpenApi(app, config.openApiPath, () => locks);
  await app.init();
  if (metrics !== null) {
    const dataSource = app.get(DataSource);
    metrics.observePool(() => (dataSource.isInitialized ? (dataSource.driver as unknown as { master?: pg.Pool }).master : null));
  }
  if (config.openApiPath !== null) locks = await routeLocks(app, routeTable(app.get(DiscoveryService)));
  return app;
}

/** Nest's log levels from LOG_LEVEL: that level and every more severe one. */
export function logLevels(level: AppConfig['logLevel']): LogLevel[] {
  const all: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  return all.slice(0, all.indexOf(level) + 1);
}
