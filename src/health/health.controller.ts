import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '@nest-simplejwt/auth';

const TIMEOUT_MS = 2000;

@ApiTags('health')
@Public()
@Controller('api/health')
export class HealthController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get('/')
  @ApiOperation({ summary: 'Whether the app can serve: 200 when the database answers, else 503' })
  @ApiOkResponse({ schema: { example: { status: 'ok', database: 'ok' } } })
  @ApiServiceUnavailableResponse({ schema: { example: { status: 'unavailable', database: 'unavailable' } } })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    if (await this.databaseAnswers()) return { status: 'ok', database: 'ok' };
    reply.status(503);
    return { status: 'unavailable', database: 'unavailable' };
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
