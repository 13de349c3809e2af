import type { LoggerService, LogLevel } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { PinoLogger } from './pino-logger.js';
import { PrettyLogger } from './pretty-logger.js';

/** Nest's log levels from LOG_LEVEL: that level and every more severe one. */
export function logLevels(level: AppConfig['logLevel']): LogLevel[] {
  const all: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  return all.slice(0, all.indexOf(level) + 1);
}

/**
 * The server's logger, as LOG_FORMAT and LOG_LEVEL say: JSON lines through pino (to stdout, or
 * `destination`), or Nest's console look.
 */
export function appLogger(config: Pick<AppConfig, 'logFormat' | 'logLevel'>, destination?: DestinationStream): LoggerService {
  const levels = logLevels(config.logLevel);
  return config.logFormat === 'json' ? new PinoLogger(levels, destination) : new PrettyLogger(levels);
}
