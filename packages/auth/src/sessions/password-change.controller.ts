import { Body, HttpCode, Post, Req, UsePipes } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsAuthenticated } from '../permissions/builtin.permissions.js';
import type { AuthenticatedRequest } from '../permissions/permission.js';
import { Permissions } from '../permissions/permissions.decorator.js';
import { ThrottleScope } from '../throttling/throttle-scope.decorator.js';
import { DrfValidationPipe } from '../validation/drf-validation.pipe.js';
import { PasswordChangedResponse, PasswordChangeRequest } from './session.dto.js';
import { SessionService } from './session.service.js';

/** dj-rest-auth's password change; it ends every other session. Mounted at `passwordChangePath` (default `api/password/change`). */
@ApiTags('sessions')
@Permissions(IsAuthenticated)
// It checks a password: guesses count against the token endpoints' rate.
@ThrottleScope('token')
@UsePipes(DrfValidationPipe)
export class PasswordChangeController {
  constructor(protected readonly sessions: SessionService) {}

  @Post('/')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change your password; your other sessions end' })
  @ApiOkResponse({ type: PasswordChangedResponse })
  @ApiBadRequestResponse({ description: '{"old_password": ["Your old password was entered incorrectly. Please enter it again."]}' })
  change(@Req() request: AuthenticatedRequest, @Body() body: PasswordChangeRequest): Promise<PasswordChangedResponse> {
    return this.sessions.changePassword(request, body);
  }
}
