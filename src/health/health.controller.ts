import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { NoThrottle, Public } from '@nest-simplejwt/auth';
import { ShutdownState } from '../lifecycle/shutdown-state.js';

const TIMEOUT_MS = 2000;

/** The probes: answered by their handlers during the drain too (see RequestDrain). */
export const PROBE_PATHS = ['/api/health/live', '/api/health/ready'] as const;

const READY = { status: 'ok', database: 'ok' } as const;
const DATABASE_UNAVAILABLE = { status: 'unavailable', database: 'unavailable' } as const;
const SHUTTING_DOWN = { status: 'shutting_down' } as const;

@ApiTags('health')
@Public()
@Controller('api/health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('/')
  @ApiOperation({ summary: 'Whether the app can serve: 200 when the database answers, else 503' })
  @ApiOkResponse({ schema: { example: READY } })
  @ApiServiceUnavailableResponse({ schema: { example: DATABASE_UNAVAILABLE } })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    if (await this.databaseAnswers()) return READY;
    reply.status(503);
    return DATABASE_UNAVAILABLE;
  }

  @Get('live')
  @NoThrottle()
  @ApiOperation({
    summary: 'Liveness: 200 while the process runs and serves HTTP, the database not asked (also while it shuts down)',
  })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @NoThrottle()
  @ApiOperation({
    summary: 'Readiness: 200 when the database answers and no shutdown is under way; else 503 saying which',
  })
  @ApiOkResponse({ schema: { example: READY } })
  @ApiServiceUnavailableResponse({
    examples: {
      database: { summary: 'The database does not answer (within 2 s)', value: DATABASE_UNAVAILABLE },
      shutting_down: { summary: 'SIGTERM or SIGINT received: draining', value: SHUTTING_DOWN },
    },
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    if (this.shutdown.shuttingDown) {
      reply.status(503);
      return SHUTTING_DOWN;
    }
    if (await this.databaseAnswers()) return READY;
    reply.status(503);
    return this.shutdown.shuttingDown ? SHUTTING_DOWN : DATABASE_UNAVAILABLE;
  }

  private async databaseAnswers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), TIMEOUT_MS)));
    try {
      return await Promise.race([this.db.query('SELECT 1').then(() => true), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
