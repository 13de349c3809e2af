// Before anything touches libuv's thread pool: one thread per concurrent password hash plus one
// for everything else. Each thread that ever hashes keeps glibc's ~19 MiB argon2 arena, so the
// default 4 threads held ~76 MiB after a login flood (measured in BENCHMARKS.md).
import './thread-pool.js';
import 'reflect-metadata';
import { Logger, type LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from './config/app-config.js';
import { ConfigError } from './config/config-error.js';
import { withSigningKey } from './config/signing-key.js';
import { openDatabase, UnmigratedDatabase } from './database/open-database.js';
import { EmbeddedPostgresError } from './database/postgres-access.js';
import { createApp } from './http/create-app.js';
import { bindError, listenRefusal, type Binding } from './http/port-check.js';
import { gracefulShutdown } from './lifecycle/graceful-shutdown.js';
import { appLogger } from './logging/app-logger.js';
import { startMetricsServer, type MetricsServer } from './observability/metrics-server.js';
import { AppMetrics } from './observability/metrics.js';
import { UsersService } from './users/users.service.js';

/** The server's logger, once the configuration has said which. */
let appLog: LoggerService | undefined;

/** Serves the API: configuration, database (embedded unless DATABASE_URL), then HTTP. */
async function main(): Promise<void> {
  let config;
  try {
    config = withSigningKey(loadConfig());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  // LOG_FORMAT: JSON lines through pino, or Nest's console look; every Nest logger writes through it.
  const log = appLogger(config);
  appLog = log;
  Logger.overrideLogger(log);
  const logger = new Logger('Main');
  // A port in use is said in one line naming the setting, before PostgreSQL starts, and again
  // just before listening (it may have been taken while PostgreSQL and the app started).
  const bindings: Binding[] = [{ setting: 'PORT', host: config.host, port: config.port }];
  if (config.metrics !== null) bindings.push({ setting: 'METRICS_PORT', ...config.metrics });
  const unavailable = async (): Promise<string | null> => {
    for (const binding of bindings) {
      const refused = listenRefusal(await bindError(binding), binding);
      if (refused !== null) return refused;
    }
    return null;
  };
  // The one line: plain on stderr, or a fatal JSON line in json mode (where every line is JSON).
  const refuse = (line: string): never => {
    if (config.logFormat === 'json') log.fatal?.(line, undefined, 'Main');
    else console.error(line);
    process.exit(1);
  };
  const early = await unavailable();
  if (early !== null) refuse(early);
  let database;
  try {
    database = await openDatabase(config);
  } catch (error) {
    if (!(error instanceof UnmigratedDatabase || error instanceof EmbeddedPostgresError)) throw error;
    logger.error(error.message);
    process.exit(1);
  }
  // From here on a signal stops what was started: PostgreSQL runs in its own process group and
  // would outlive the app. Before the app serves, there is nothing to drain.
  let app: NestFastifyApplication | undefined;
  let metricsServer: MetricsServer | undefined;
  let serving = false;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) {
      logger.warn(`${signal} again: stopping now, without waiting for requests`);
      await database.stop().finally(() => process.exit(1));
      return;
    }
    closing = true;
    if (!serving || app === undefined) {
      logger.log(`${signal} while starting: stopping`);
      await database.stop().finally(() => process.exit(0));
      return;
    }
    const code = await gracefulShutdown(app, {
      signal,
      timeoutMs: config.shutdownTimeout * 1000,
      logger,
      stopDatabase: () => database.stop(),
      stopMetrics: metricsServer && (() => metricsServer!.close()),
    });
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    app = await createApp(config, database.url, { logger: log });
  } catch (error) {
    await database.stop();
    throw error;
  }
  // Which setting a listen() failure is about, for the one line that names it. (Taken in the
  // instant between the check and listen(), Nest logs its own error line before it.)
  let binding = bindings[0];
  let refused = await unavailable();
  if (refused === null) {
    try {
      await app.listen({ port: config.port, host: config.host });
      if (config.metrics !== null) {
        binding = bindings[1];
        metricsServer = await startMetricsServer(app.get(AppMetrics), config.metrics.host, config.metrics.port);
      }
    } catch (error) {
      refused = listenRefusal(error, binding);
      if (refused === null) {
        await app.close().catch(() => {});
        await database.stop();
        throw error;
      }
    }
  }
  if (refused !== null) {
    // Nothing is left running: the pool closes, the embedded PostgreSQL stops.
    await app.close().catch(() => {});
    await database.stop();
    refuse(refused);
  }
  serving = true;

  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  logger.log(`Listening on ${url}/api/`);
  if (config.openApiPath !== null) logger.log(`OpenAPI explorer: ${url}/${config.openApiPath}`);
  if (metricsServer !== undefined) logger.log(`Metrics: ${metricsServer.url}`);
  // A hint, not a check: a database that is away right now must not stop a server that serves.
  if ((await app.get(UsersService).count().catch(() => null)) === 0) {
    logger.log('No users yet. Create the first: npm run cli -- createsuperuser (or createuser --username U --password P)');
  }
}

main().catch((error: unknown) => {
  // Once LOG_FORMAT is known, a failure to start is a log line like any other (JSON in json mode).
  if (appLog !== undefined) appLog.fatal?.(error instanceof Error ? error.message : String(error), error instanceof Error ? error.stack : undefined, 'Main');
  else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
