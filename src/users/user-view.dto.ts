import { ApiProperty } from '@nestjs/swagger';
import type { UserView } from './user.entity.js';

/** The OpenAPI description of UserView. */
export class UserViewDto implements UserView {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ example: 'alice@example.com' }) email: string;
  @ApiProperty({ example: '' }) first_name: string;
  @ApiProperty({ example: '' }) last_name: string;
  @ApiProperty() is_staff: boolean;
  @ApiProperty() is_superuser: boolean;
  @ApiProperty() is_active: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) last_login: string | null;
  @ApiProperty({ format: 'date-time' }) date_joined: string;
}
