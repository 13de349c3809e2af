import type { AuthEvent, AuthEventSink } from '@nest-simplejwt/auth';

/**
 * Hands each of the AuthModule's events to several sinks in turn (the log, the metrics, ...):
 * the `events` option takes one. A sink that throws does not keep the event from the others;
 * the first error is thrown after all have had it, for AuthEvents to log.
 */
export class CompositeEventSink implements AuthEventSink {
  private readonly sinks: readonly AuthEventSink[];

  constructor(sinks: readonly AuthEventSink[]) {
    this.sinks = [...sinks];
  }

  record(event: AuthEvent): void {
    let failure: unknown;
    let failed = false;
    for (const sink of this.sinks) {
      try {
        sink.record(event);
      } catch (error) {
        if (!failed) failure = error;
        failed = true;
      }
    }
    if (failed) throw failure;
  }
}
