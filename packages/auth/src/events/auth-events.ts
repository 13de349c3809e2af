import { Inject, Injectable, Logger, Optional } from '@nestjs/common';

/** What happened, in the words the logs and metrics use. */
export type AuthEventName =
  | 'login_succeeded'
  | 'login_failed'
  | 'token_refreshed'
  | 'logout'
  | 'reuse_detected'
  | 'session_revoked'
  | 'login_locked'
  | 'password_changed';

/** The events that mean someone may be attacking: logged as warnings by default. */
export const SECURITY_EVENTS: ReadonlySet<AuthEventName> = new Set(['reuse_detected', 'login_locked']);

/** One event: who and from where, never a token or a password. */
export interface AuthEvent {
  readonly event: AuthEventName;
  /** The user id claim's value, as text. */
  readonly userId?: string | null;
  readonly sessionId?: string;
  /** Why (a session's end: logout, reuse, password_change, ...; a refused login: invalid_credentials; a lockout: username_and_address or address). */
  readonly reason?: string;
  /** The username a login gave. */
  readonly username?: string;
  /** Who acted, when not the user themselves (a staff member ending a user's sessions): their user id claim's value. */
  readonly actorId?: string;
  readonly ip?: string;
  /** The id of the request it happened in (`request.id`, see ClientInfo.requestId), when the request has one. */
  readonly requestId?: string;
}

/** Where the module's events go: your logger, metrics or audit table. */
export interface AuthEventSink {
  record(event: AuthEvent): void;
}

/** Injection token of the event sink (module option `events`). */
export const AUTH_EVENT_SINK = Symbol('AUTH_EVENT_SINK');

/** The default sink: one JSON line per event through Nest's logger, security events as warnings. */
export class LoggerEventSink implements AuthEventSink {
  private readonly logger = new Logger('AuthEvents');

  record(event: AuthEvent): void {
    const line = JSON.stringify(event);
    if (SECURITY_EVENTS.has(event.event)) this.logger.warn(line);
    else this.logger.log(line);
  }
}

/** Records events; a sink that throws is logged, never the request's failure. */
@Injectable()
export class AuthEvents {
  private readonly logger = new Logger('AuthEvents');

  constructor(@Optional() @Inject(AUTH_EVENT_SINK) private readonly sink: AuthEventSink = new LoggerEventSink()) {}

  record(event: AuthEvent): void {
    try {
      this.sink.record(event);
    } catch (error) {
      this.logger.error(`The event sink failed on ${event.event}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
