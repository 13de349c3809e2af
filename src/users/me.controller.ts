import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentUser } from '../auth/index.js';
import { toUserView, type User, type UserView } from './user.entity.js';
import { UserViewDto } from './user-view.dto.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/me')
export class MeController {
  @Get('/')
  @ApiOperation({ summary: 'The user the access token belongs to' })
  @ApiOkResponse({ type: UserViewDto })
  @ApiUnauthorizedResponse({ description: 'No token, or a token that is not valid' })
  me(@CurrentUser() user: User): UserView {
    return toUserView(user);
  }
}
