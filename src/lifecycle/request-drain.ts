import type { ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ServiceUnavailable } from '@nest-simplejwt/auth';
import { ShutdownState } from './shutdown-state.js';

/** A request being served: what the log names if the shutdown deadline cuts it. */
export interface InFlightRequest {
  readonly method: string;
  /** Without the query string. */
  readonly path: string;
  readonly startedAt: number;
  readonly response: ServerResponse;
}

/** One per request: the path is worked out only when a log line names it. */
class InFlight implements InFlightRequest {
  readonly startedAt = Date.now();

  constructor(
    readonly method: string,
    private readonly url: string,
    readonly response: ServerResponse,
  ) {}

  get path(): string {
    return pathOf(this.url);
  }
}

/** Retry-After while draining: a load balancer has other instances to send the retry to. */
const DRAIN_RETRY_AFTER = 1;

/**
 * Knows the requests in flight; once the instance is shutting down, answers new ones DRF's 503
 * with Retry-After and `Connection: close`, and closes each kept-alive connection after its
 * current response, so clients reconnect to another instance instead of being reset.
 */
@Injectable()
export class RequestDrain {
  private readonly inFlight = new Set<InFlightRequest>();
  private idle: (() => void) | null = null;
  /** In-flight requests that finished after the shutdown began. */
  finished = 0;
  /** Requests answered 503 because they arrived after the shutdown began. */
  refused = 0;

  constructor(private readonly state: ShutdownState) {}

  /**
   * Hooks into Fastify; call before app.init(). `answeredWhileDraining`: paths (without a
   * trailing slash) whose own handlers answer during the drain, the health probes: they say
   * themselves that the instance is shutting down. They are not counted as in flight.
   */
  install(fastify: FastifyInstance, options: { answeredWhileDraining?: readonly string[] } = {}): void {
    const exempt = new Set(options.answeredWhileDraining ?? []);
    fastify.addHook('onRequest', (request, reply, done) => {
      if (this.state.shuttingDown) {
        if (exempt.size > 0 && exempt.has(withoutTrailingSlash(pathOf(request.url)))) {
          reply.raw.shouldKeepAlive = false; // answered, then the connection closes
          return done();
        }
        return this.refuse(reply);
      }
      const entry = new InFlight(request.method, request.url, reply.raw);
      this.inFlight.add(entry);
      reply.raw.on('close', () => this.ended(entry));
      done();
    });
  }

  get size(): number {
    return this.inFlight.size;
  }

  /** Resolves once nothing is in flight, or after `ms` with the requests still running. */
  async settle(ms: number): Promise<InFlightRequest[]> {
    // Called as the shutdown begins: each request in flight closes its connection once answered
    // (Node then sends Connection: close), so its client reconnects to another instance.
    for (const { response } of this.inFlight) response.shouldKeepAlive = false;
    if (this.inFlight.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.idle = null;
    }
    return [...this.inFlight];
  }

  /** Answers `requests` DRF's 503 (unless they had begun answering) and closes their connections. */
  cut(requests: readonly InFlightRequest[]): void {
    const refusal = new ServiceUnavailable(DRAIN_RETRY_AFTER, { Connection: 'close' });
    for (const request of requests) {
      this.inFlight.delete(request); // cut, not finished
      const { response } = request;
      if (response.headersSent) {
        response.destroy();
        continue;
      }
      response.writeHead(503, { ...refusal.headers, 'Content-Type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(refusal.body));
    }
  }

  private refuse(reply: FastifyReply): void {
    this.refused++;
    const refusal = new ServiceUnavailable(DRAIN_RETRY_AFTER, { Connection: 'close' });
    void reply.code(503).headers(refusal.headers).send(refusal.body);
  }

  private ended(entry: InFlightRequest): void {
    if (!this.inFlight.delete(entry) || !this.state.shuttingDown) return;
    this.finished++;
    if (this.inFlight.size === 0) this.idle?.();
  }
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
