import { Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsAdminUser } from '../permissions/builtin.permissions.js';
import type { AuthenticatedRequest } from '../permissions/permission.js';
import { Permissions } from '../permissions/permissions.decorator.js';
import { RevokedResponse, SessionResponse } from './session.dto.js';
import { SessionService } from './session.service.js';

/** Staff see and end a user's sessions. Mounted at the module's `usersPath` (default `api/users`). */
@ApiTags('sessions')
@Permissions(IsAdminUser)
export class UserSessionsController {
  constructor(protected readonly sessions: SessionService) {}

  @Get(':id/sessions/')
  @ApiOperation({ summary: "A user's live sessions (staff only)" })
  @ApiOkResponse({ type: [SessionResponse] })
  @ApiNotFoundResponse({ description: 'No such user' })
  list(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<SessionResponse[]> {
    return this.sessions.listFor(request, id);
  }

  @Post(':id/sessions/revoke-all/')
  @HttpCode(200)
  @ApiOperation({ summary: "End every session of a user (staff only): their tokens stop working at once" })
  @ApiOkResponse({ type: RevokedResponse })
  @ApiNotFoundResponse({ description: 'No such user' })
  revokeAll(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<RevokedResponse> {
    return this.sessions.revokeAllFor(id, request);
  }
}
