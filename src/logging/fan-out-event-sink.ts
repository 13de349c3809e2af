import type { AuthEvent, AuthEventSink } from '@nest-simplejwt/auth';

/**
 * The AuthModule takes one event sink (`events`); this hands each event to several (the log,
 * metrics...), in order. One that throws does not keep the event from the others; the first
 * error is rethrown afterwards, for AuthEvents to log.
 */
export class FanOutEventSink implements AuthEventSink {
  constructor(private readonly sinks: readonly AuthEventSink[]) {}

  record(event: AuthEvent): void {
    let failure: { error: unknown } | undefined;
    for (const sink of this.sinks) {
      try {
        sink.record(event);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }
}
