import { Logger } from '@nestjs/common';

const WINDOW_MS = 60_000;
const MAX_KINDS = 1000;

/**
 * The log of errors nobody expected (the 500s): each with its stack, but the same error again
 * within a minute is only counted, and the count rides on its next line. A bug on a hot path
 * then costs a line a minute, not a stack trace per request.
 */
export class UnexpectedErrors {
  private readonly logger = new Logger('DrfExceptionFilter');
  private readonly seen = new Map<string, { at: number; repeats: number }>();

  /** `requestId`: of the request that met it (`request.id`), a field of the line (`request_id`). */
  log(error: unknown, requestId?: string): void {
    const key = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const now = Date.now();
    const entry = this.seen.get(key);
    if (entry !== undefined && now - entry.at < WINDOW_MS) {
      entry.repeats++;
      return;
    }
    if (this.seen.size >= MAX_KINDS) this.seen.clear();
    this.seen.set(key, { at: now, repeats: 0 });
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    const repeats = entry?.repeats ?? 0;
    const line = repeats === 0 ? text : `${text}\n(${repeats} more like it since the last time it was logged)`;
    if (requestId === undefined) this.logger.error(line);
    else this.logger.error(line, { request_id: requestId });
  }
}
