import { Logger } from '@nestjs/common';
import { SECURITY_EVENTS, type AuthEvent, type AuthEventSink } from '@nest-simplejwt/auth';

/**
 * The server's audit log: each auth event one line (context AuthEvents, its name as the message)
 * with the event's fields in snake_case and the id of the request it happened in, so it joins
 * the access line of that request. The events that mean an attack may be under way
 * (reuse_detected, login_locked) are warnings. Never a token or a password: the events carry none.
 */
export class AuthEventLog implements AuthEventSink {
  private readonly logger = new Logger('AuthEvents');

  record(event: AuthEvent): void {
    const fields: Record<string, unknown> = { event: event.event };
    if (event.userId !== undefined) fields.user_id = event.userId;
    if (event.actorId !== undefined) fields.actor_id = event.actorId;
    if (event.sessionId !== undefined) fields.session_id = event.sessionId;
    if (event.reason !== undefined) fields.reason = event.reason;
    if (event.username !== undefined) fields.username = event.username;
    if (event.ip !== undefined) fields.ip = event.ip;
    fields.request_id = event.requestId ?? null;
    if (SECURITY_EVENTS.has(event.event)) this.logger.warn(event.event, fields);
    else this.logger.log(event.event, fields);
  }
}
