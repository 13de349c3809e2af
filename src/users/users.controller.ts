import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsAdminUser, Permissions } from '@nest-simplejwt/auth';
import { toUserView, type UserView } from './user.entity.js';
import { UserViewDto } from './user-view.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Permissions(IsAdminUser)
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('/')
  @ApiOperation({ summary: 'Every user (staff only)' })
  @ApiOkResponse({ type: [UserViewDto] })
  async list(): Promise<UserView[]> {
    return (await this.users.list()).map(toUserView);
  }
}
