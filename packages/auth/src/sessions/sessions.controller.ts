import { Body, Get, HttpCode, Param, Post, Req, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsAuthenticated } from '../permissions/builtin.permissions.js';
import type { AuthenticatedRequest } from '../permissions/permission.js';
import { Permissions } from '../permissions/permissions.decorator.js';
import { ThrottleScope } from '../throttling/throttle-scope.decorator.js';
import { DrfValidationPipe } from '../validation/drf-validation.pipe.js';
import { RequestData, validated } from '../validation/request-data.js';
import { PasswordConfirmation, RevokedResponse, SessionResponse } from './session.dto.js';
import { SessionService } from './session.service.js';

/**
 * The caller's sessions (OWASP ASVS 5.0 7.5.1-7.5.2): see them, end one, end all the others.
 * Mounted at the module's `sessionsPath` (default `api/sessions`).
 */
@ApiTags('sessions')
@Permissions(IsAuthenticated)
@UsePipes(DrfValidationPipe)
export class SessionsController {
  constructor(protected readonly sessions: SessionService) {}

  @Get('/')
  @ApiOperation({ summary: "The caller's live sessions, newest first" })
  @ApiOkResponse({ type: [SessionResponse] })
  list(@Req() request: AuthenticatedRequest): Promise<SessionResponse[]> {
    return this.sessions.list(request);
  }

  @Post(':id/revoke/')
  @HttpCode(204)
  @ThrottleScope('token') // it may check a password: guesses count against the token endpoints' rate
  @ApiOperation({ summary: 'End one of your sessions; any but the current one needs your password' })
  @ApiNoContentResponse({ description: 'Ended: its refresh and access tokens stop working at once' })
  @ApiNotFoundResponse({ description: 'No live session of yours has this id' })
  @ApiBadRequestResponse({ description: '{"password": ["Incorrect password."]}' })
  async revoke(@Req() request: AuthenticatedRequest, @Param('id') id: string, @RequestData() body: unknown): Promise<void> {
    await this.sessions.revoke(request, id, async () => (await validated(PasswordConfirmation, body)).password);
  }

  @Post('revoke-others/')
  @HttpCode(200)
  @ThrottleScope('token')
  @ApiOperation({ summary: 'End every session of yours but the current one (needs your password)' })
  @ApiOkResponse({ type: RevokedResponse })
  @ApiBadRequestResponse({ description: '{"password": ["Incorrect password."]}' })
  revokeOthers(@Req() request: AuthenticatedRequest, @Body() body: PasswordConfirmation): Promise<RevokedResponse> {
    return this.sessions.revokeOthers(request, body.password);
  }
}
