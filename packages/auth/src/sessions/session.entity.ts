import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A login and the chain of refresh tokens it issued. Only the current generation is kept: the
 * live refresh token (and the access token minted with it), its immediate parent and when that
 * parent was rotated. Never a token string.
 */
@Entity({ name: 'token_session' })
export class TokenSession {
  /** 128 random bits, hex: the `sid` claim of the session's tokens. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  /** The user id claim's value, as text. */
  @Index('token_session_user_id_idx')
  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', default: () => 'now()' })
  lastUsedAt: Date;

  /** The absolute end (SESSION_LIFETIME after the login), whatever the rotations. */
  @Index('token_session_expires_at_idx')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, default: '' })
  userAgent: string;

  @Column({ name: 'ip_address', type: 'varchar', length: 64, nullable: true })
  ipAddress: string | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 32, nullable: true })
  revokedReason: string | null;

  @Column({ name: 'live_jti', type: 'varchar', length: 255 })
  liveJti: string;

  /** Seconds since the epoch, as in the token. */
  @Column({ name: 'live_iat', type: 'bigint' })
  liveIat: string;

  @Column({ name: 'live_exp', type: 'bigint' })
  liveExp: string;

  @Column({ name: 'access_jti', type: 'varchar', length: 255, nullable: true })
  accessJti: string | null;

  @Column({ name: 'access_exp', type: 'bigint', nullable: true })
  accessExp: string | null;

  @Column({ name: 'parent_jti', type: 'varchar', length: 255, nullable: true })
  parentJti: string | null;

  @Column({ name: 'parent_rotated_at', type: 'timestamptz', nullable: true })
  parentRotatedAt: Date | null;
}
