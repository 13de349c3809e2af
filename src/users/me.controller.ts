import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentUser, IsAuthenticated, Permissions, TokenUser } from '@nest-simplejwt/auth';
import { toTokenUserView, toUserView, type TokenUserView, type User, type UserView } from './user.entity.js';
import { UserViewDto } from './user-view.dto.js';

@ApiTags('users')
// The current user needs one, whatever DEFAULT_PERMISSION_CLASSES says.
@Permissions(IsAuthenticated)
@Controller('api/me')
export class MeController {
  @Get('/')
  @ApiOperation({
    summary: 'The user the access token belongs to',
    description: 'With JWT_AUTHENTICATION_CLASS=JWTStatelessUserAuthentication: only what the token says (id, username, is_staff, is_superuser, is_active).',
  })
  @ApiOkResponse({ type: UserViewDto })
  @ApiUnauthorizedResponse({ description: 'No token, or a token that is not valid' })
  me(@CurrentUser() user: User | TokenUser): UserView | TokenUserView {
    return user instanceof TokenUser ? toTokenUserView(user) : toUserView(user);
  }
}
