import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CharField } from '../validation/fields.js';

// Examples for the OpenAPI document: real tokens (HS256, key "example-signing-key-not-a-secret-0123456789").
export const EXAMPLE_REFRESH =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsImV4cCI6MTc2NzgzMDQwMCwiaWF0IjoxNzY3MjI1NjAwLCJqdGkiOiI4ZjJjNmQwZTRiNWE0YzNkOWUxZjdhNmI1YzRkM2UyZiIsInVzZXJfaWQiOjF9.-iGPKxVXSzczTHhKDsJ1S0QXzctm8pKYM-p8IHys6gU';
export const EXAMPLE_ACCESS =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzY3MjI2NTAwLCJpYXQiOjE3NjcyMjU2MDAsImp0aSI6IjNhOWI4YzdkNmU1ZjRhM2IyYzFkMGU5ZjhhN2I2YzVkIiwidXNlcl9pZCI6MX0.4Jq2ULFYNlVhWHke_xkxq7nNvbg0BiVlKmTc5Og_e0A';
export const EXAMPLE_SLIDING =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoic2xpZGluZyIsImV4cCI6MTc2NzIyNTkwMCwiaWF0IjoxNzY3MjI1NjAwLCJqdGkiOiIwZDFjMmIzYTRmNWU2ZDdjOGI5YTBmMWUyZDNjNGI1YSIsInJlZnJlc2hfZXhwIjoxNzY3MzEyMDAwLCJ1c2VyX2lkIjoxfQ.EYhlNtbX6LQsVKWAqoIPOuU8MbKnE_K4YAA8WckRxd8';

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
  @ApiProperty({ description: 'A refresh token from POST /api/token/', example: EXAMPLE_REFRESH })
  @CharField()
  refresh: string;
}

export class TokenVerifyRequest {
  @ApiProperty({ description: 'Any token this server issued', example: EXAMPLE_ACCESS })
  @CharField()
  token: string;
}

export class TokenBlacklistRequest {
  @ApiProperty({ description: 'The refresh token to end, with the rest of its session', example: EXAMPLE_REFRESH })
  @CharField()
  refresh: string;
}

export class SlidingTokenRefreshRequest {
  @ApiProperty({ description: 'A sliding token from POST /api/token/sliding/', example: EXAMPLE_SLIDING })
  @CharField()
  token: string;
}

export class TokenPairResponse {
  @ApiProperty({ description: 'Refresh token (in cookie mode with JWT_AUTH_HTTPONLY, only in its cookie)', example: EXAMPLE_REFRESH })
  refresh: string;
  @ApiProperty({ description: 'Access token, the bearer token of every other call', example: EXAMPLE_ACCESS })
  access: string;
}

export class TokenRefreshResponse {
  @ApiProperty({ example: EXAMPLE_ACCESS })
  access: string;
  @ApiPropertyOptional({ description: 'The next refresh token, when ROTATE_REFRESH_TOKENS is on', example: EXAMPLE_REFRESH })
  refresh?: string;
}

export class SlidingTokenResponse {
  @ApiProperty({ example: EXAMPLE_SLIDING })
  token: string;
}

export class EmptyResponse {}

export class DetailResponse {
  @ApiProperty({ example: 'Token is invalid' })
  detail: string;
  @ApiPropertyOptional({ example: 'token_not_valid' })
  code?: string;
}
