import { ApiProperty } from '@nestjs/swagger';
import { CharField } from '../validation/fields.js';

/** The password again, before a session other than the current one is ended (ASVS 5.0 7.5.2). */
export class PasswordConfirmation {
  /** Never trimmed: a password is exactly what was typed. */
  @ApiProperty({ format: 'password', example: 'correct horse battery staple' })
  @CharField({ trim: false })
  password: string;
}

/** dj-rest-auth's PasswordChangeSerializer fields. */
export class PasswordChangeRequest {
  @ApiProperty({ format: 'password' })
  @CharField({ trim: false, maxLength: 128 })
  old_password: string;

  @ApiProperty({ format: 'password' })
  @CharField({ trim: false, maxLength: 128 })
  new_password1: string;

  @ApiProperty({ format: 'password' })
  @CharField({ trim: false, maxLength: 128 })
  new_password2: string;
}

/** One of the caller's live sessions. */
export class SessionResponse {
  @ApiProperty({ example: '3f0c9a5e7d2b4c1a8e6f0b9d2c4a7e1f' }) id: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-02T08:15:03.482000Z' }) created_at: string;
  @ApiProperty({ format: 'date-time', example: '2026-12-02T09:40:11Z' }) last_used_at: string;
  @ApiProperty({ format: 'date-time', example: '2027-01-01T08:15:03.482000Z' }) expires_at: string;
  @ApiProperty({ example: 'Mozilla/5.0 (X11; Linux x86_64)' }) user_agent: string;
  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' }) ip_address: string | null;
  @ApiProperty({ description: 'The session of the token making this request' }) current: boolean;
}

export class RevokedResponse {
  @ApiProperty({ example: 2 }) revoked: number;
}

export class PasswordChangedResponse {
  @ApiProperty({ example: 'New password has been saved.' }) detail: string;
}
