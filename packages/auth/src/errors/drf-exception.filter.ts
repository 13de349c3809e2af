import { ArgumentsHost, Catch, HttpException, Inject, Optional, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { DatabaseAvailability } from '../database/database-availability.js';
import { databaseUnavailability } from '../database/database-errors.js';
import { isUnroutedRequest, MethodNotAllowedResponder } from '../http/method-not-allowed.js';
import { ApiException, ServiceUnavailable, type ErrorBody } from './exceptions.js';
import { MESSAGES } from './messages.js';
import { UnexpectedErrors } from './unexpected-errors.js';

/**
 * What a client sees for an error that is not one of ours: a status and a DRF-shaped body. A
 * database that is down, unreachable or too slow is DRF's 503 with Retry-After, never a 500.
 */
export function toApiException(error: unknown): ApiException {
  if (error instanceof ApiException) return error;
  if (databaseUnavailability(error) !== null) return new ServiceUnavailable();
  // Nest's HttpExceptions, and errors raised by Fastify itself (which carry a statusCode).
  const status =
    error instanceof HttpException ? error.getStatus() : (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return serverError();
  if (status === 404) return new ApiException(404, { detail: MESSAGES.notFound });
  if (status === 413) return new ApiException(413, { detail: MESSAGES.requestTooLarge });
  if (error instanceof HttpException && !isFrameworkError(error)) {
    return new ApiException(status, { detail: httpMessage(error) });
  }
  return new ApiException(status, { detail: MESSAGES.malformedRequest });
}

/** Nest wraps Fastify's own errors (FST_...) in HttpExceptions; their wording is not DRF's. */
function isFrameworkError(error: HttpException): boolean {
  const cause = error.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' && cause.code.startsWith('FST_');
}

function serverError(): ApiException {
  return new ApiException(500, { detail: MESSAGES.serverError });
}

function httpMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return typeof message === 'string' ? message : error.message;
}

/**
 * Writes every error in DRF's shape. Every 401 carries `WWW-Authenticate` with the first
 * configured header type, as DRF's `authenticate_header` does; nothing else does. A request no
 * route serves, on a path served for other methods, gets DRF's 405 or OPTIONS answer. The log
 * gets a stack trace only for unexpected errors; an unavailable database goes to
 * DatabaseAvailability, which says so once per outage.
 */
@Catch()
export class DrfExceptionFilter implements ExceptionFilter {
  private readonly unexpected = new UnexpectedErrors();
  private readonly wwwAuthenticate: string;

  constructor(
    @Inject(SIMPLE_JWT) settings: ResolvedSettings,
    private readonly adapterHost: HttpAdapterHost,
    @Optional() private readonly methods?: MethodNotAllowedResponder,
    @Optional() private readonly availability?: DatabaseAvailability,
  ) {
    this.wwwAuthenticate = `${settings.AUTH_HEADER_TYPES[0]} realm="api"`;
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse();
    const id = (http.getRequest() as { id?: unknown } | undefined)?.id;
    const requestId = typeof id === 'string' ? id : undefined;
    if (this.methods !== undefined && isUnroutedRequest(error)) {
      this.methods.answer(http.getRequest(), response).then(
        (answered) => answered || this.send(response, error, requestId),
        (refusal: unknown) => this.send(response, refusal, requestId),
      );
      return;
    }
    this.send(response, error, requestId);
  }

  /** Writes `error` to a response; usable outside Nest's pipeline. `requestId` goes with an unexpected error's log line. */
  send(response: unknown, error: unknown, requestId?: string): void {
    const exception = toApiException(error);
    if (exception.getStatus() >= 500 && !(error instanceof ApiException)) {
      const cause = databaseUnavailability(error);
      if (cause === null) this.unexpected.log(error, requestId);
      else this.availability?.reportFailure(cause);
    }
    const adapter = this.adapterHost.httpAdapter;
    if (adapter.isHeadersSent(response)) return;
    for (const [name, value] of Object.entries(exception.headers)) adapter.setHeader(response, name, value);
    if (exception.getStatus() === 401) adapter.setHeader(response, 'WWW-Authenticate', this.wwwAuthenticate);
    adapter.reply(response, exception.body satisfies ErrorBody, exception.getStatus());
  }
}
