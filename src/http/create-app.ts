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
import { logLevels } from '../logging/app-logger.js';
import { REQUEST_ID_HEADER, requestIdOf } from '../logging/request-context.js';
import { RequestLogging } from '../logging/request-logging.js';
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
  const requestLogging = new RequestLogging({
    accessLog: config.accessLog && logLevels(config.logLevel).includes('log'),
    numProxies: config.jwt.NUM_PROXIES ?? 0,
    userIdClaim: config.jwt.USER_ID_CLAIM ?? 'user_id',
  });
  const drf = drfFastifyOptions(config.bodyLimit);
  const adapter = new FastifyAdapter({
    ...drf,
    logger: false,
    genReqId: requestIdOf,
    frameworkErrors: requestLogging.frameworkErrors(drf.frameworkErrors),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, databaseUrl, options.imports), adapter, {
    bodyParser: false,
    abortOnError: false,
    logger: options.logger,
  });
  // First of the hooks: every answer carries X-Request-Id, whichever hook answers it.
  requestLogging.install(app.getHttpAdapter().getInstance() as FastifyInstance);
  await setupDrfHttp(app);
  app.get(RequestDrain).install(app.getHttpAdapter().getInstance(), { answeredWhileDraining: PROBE_PATHS });
  const metrics = config.metrics === null ? null : app.get(AppMetrics);
  metrics?.instrument(app.getHttpAdapter().getInstance());
  await installSecurityHeaders(app);
  installCors(app.getHttpAdapter().getInstance() as FastifyInstance, {
    ...config.cors,
    extraHeaders: [headerName(config.cookies.CSRF_HEADER_NAME), headerName(config.jwt.AUTH_HEADER_NAME)],
    exposeHeaders: [REQUEST_ID_HEADER],
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
