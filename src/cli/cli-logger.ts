import { Logger, type LoggerService } from '@nestjs/common';

/** The CLI's Nest logger: warnings and errors only, on stderr, as plain lines; stdout is for results. */
export class StderrLogger implements LoggerService {
  log(): void {}
  debug(): void {}
  verbose(): void {}

  warn(message: unknown, ...params: unknown[]): void {
    this.write('Warning', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('Error', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('Error', message, params);
  }

  /** Nest passes the logger's context last. */
  private write(level: string, message: unknown, params: unknown[]): void {
    const context = params.at(-1);
    const text = message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message);
    process.stderr.write(`${level}${typeof context === 'string' ? ` (${context})` : ''}: ${text}\n`);
  }
}

/** How open-database.ts words each migration it applies. */
const APPLIED = /^Applied migration (\S+)$/;

/**
 * The logger the CLI gives openDatabase: it keeps the names of the migrations applied (what
 * `migrate` prints), drops the rest of its log and debug lines (PostgreSQL's own start-up and
 * shutdown lines among them), and passes warnings and errors on to StderrLogger.
 */
export class DatabaseReport extends Logger {
  readonly applied: string[] = [];

  override log(message: unknown): void {
    const applied = typeof message === 'string' ? APPLIED.exec(message) : null;
    if (applied) this.applied.push(applied[1]);
  }

  override debug(): void {}

  override verbose(): void {}
}
