import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CharField } from '../validation/fields.js';

export class TokenObtainPairRequest {
  @ApiProperty({ example: 'alice' })
  @CharField()
  username: string;

  /** Never trimmed: a password is exactly what was typed (SimpleJWT trims it; its issue 341). */
  @ApiProperty({ format: 'password', example: 'correct horse battery staple' })
  @CharField({ trim: false })
  password: string;
}

export class TokenRefreshRequest {
  @ApiProperty({ description: 'A refresh token from POST /api/token/' })
  @CharField()
  refresh: string;
}

export class TokenVerifyRequest {
  @ApiProperty({ description: 'Any token this server issued' })
  @CharField()
  token: string;
}

export class TokenBlacklistRequest {
  @ApiProperty({ description: 'The refresh token to end, with the rest of its session' })
  @CharField()
  refresh: string;
}

export class SlidingTokenRefreshRequest {
  @ApiProperty({ description: 'A sliding token from POST /api/token/sliding/' })
  @CharField()
  token: string;
}

export class TokenPairResponse {
  @ApiProperty()
  refresh: string;
  @ApiProperty()
  access: string;
}

export class TokenRefreshResponse {
  @ApiProperty()
  access: string;
  @ApiPropertyOptional({ description: 'The next refresh token, when ROTATE_REFRESH_TOKENS is on' })
  refresh?: string;
}

export class SlidingTokenResponse {
  @ApiProperty()
  token: string;
}

export class EmptyResponse {}

export class DetailResponse {
  @ApiProperty({ example: 'Token is invalid' })
  detail: string;
  @ApiPropertyOptional({ example: 'token_not_valid' })
  code?: string;
}
