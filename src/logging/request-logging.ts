import { Logger } from '@nestjs/common';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientAddress } from '@nest-simplejwt/auth';
import { REQUEST_ID_HEADER } from './request-context.js';

export interface RequestLoggingOptions {
  /** ACCESS_LOG, and LOG_LEVEL writes level log: one line per answered request. */
  readonly accessLog: boolean;
  /** NUM_PROXIES: the client address as the throttles and the auth events see it. */
  readonly numProxies: number;
  /** USER_ID_CLAIM: the authenticated user's id, as the auth events name it. */
  readonly userIdClaim: string;
}

type FrameworkErrorHandler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void;

/** The most of an address a line carries (a forged X-Forwarded-For can be long), as the auth events. */
const MAX_ADDRESS_LENGTH = 64;

/**
 * The request id and the access log. Fastify's genReqId (requestIdOf) chooses the id; the first
 * of Fastify's hooks sends it back, so every answer carries X-Request-Id (a 503 of the drain or
 * a CORS preflight included). The access line is written once the answer has gone: method, the
 * route's pattern as the router knows it (never the URL: no ids, no query string), status,
 * duration, the token's user id, request id, client address; no headers, no bodies.
 */
export class RequestLogging {
  private readonly logger = new Logger('AccessLog');

  constructor(private readonly options: RequestLoggingOptions) {}

  /** Install before any other hook. */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      void reply.header(REQUEST_ID_HEADER, request.id);
      done();
    });
    if (!this.options.accessLog) return;
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      this.answered(request, reply);
      done();
    });
  }

  /** FastifyAdapter's frameworkErrors, wrapped: what the router refuses before any hook runs (a broken URL) gets its id and access line too. */
  frameworkErrors(handler: FrameworkErrorHandler): FrameworkErrorHandler {
    return (error, request, reply) => {
      void reply.header(REQUEST_ID_HEADER, request.id);
      handler(error, request, reply);
      if (this.options.accessLog) this.answered(request, reply);
    };
  }

  private answered(request: FastifyRequest, reply: FastifyReply): void {
    const user = (request as { auth?: Record<string, unknown> | null }).auth?.[this.options.userIdClaim];
    this.logger.log('request completed', {
      method: request.method,
      route: request.routeOptions.url ?? null,
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
      user_id: user === undefined || user === null ? null : String(user),
      request_id: request.id,
      ip: clientAddress(request, this.options.numProxies).slice(0, MAX_ADDRESS_LENGTH),
    });
  }
}
