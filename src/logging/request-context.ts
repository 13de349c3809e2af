import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What anything logging during a request can know about it. */
export interface RequestContext {
  /** The request id: the client's X-Request-Id when sane, else a random UUID. */
  readonly id: string;
}

/** The request being served, for whatever logs while it is (the auth events, the app's own loggers). */
export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The id of the request being served here, or undefined outside any request. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.id;
}

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** 1 to 200 characters that cannot break a log line or a header: letters, digits, `._:-`. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,200}$/;

/**
 * Fastify's genReqId: the X-Request-Id a proxy or client sent when it is sane (so one id follows
 * a request through every hop), else a random UUID. Two such headers arrive joined by ", ": not sane.
 */
export function requestIdOf(request: IncomingMessage): string {
  const sent = request.headers['x-request-id'];
  return typeof sent === 'string' && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
}
