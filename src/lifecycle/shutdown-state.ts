import { Injectable } from '@nestjs/common';

/**
 * Whether this instance is shutting down: from the first SIGTERM or SIGINT on, it is not ready
 * (readiness probes should answer 503) and new requests are turned away. Inject it where a
 * route needs to know.
 */
@Injectable()
export class ShutdownState {
  private startedAt: number | null = null;

  get shuttingDown(): boolean {
    return this.startedAt !== null;
  }

  /** When the shutdown began (Date.now()), or null. */
  get since(): number | null {
    return this.startedAt;
  }

  begin(): void {
    this.startedAt ??= Date.now();
  }
}
