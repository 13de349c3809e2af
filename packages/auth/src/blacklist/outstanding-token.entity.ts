import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * Every refresh (and sliding) token issued, by jti: SimpleJWT's OutstandingToken, without the
 * token string itself. `session_id` ties a chain of rotated tokens to the login that began it.
 */
@Entity({ name: 'token_blacklist_outstandingtoken' })
@Unique('token_blacklist_outstandingtoken_jti_uniq', ['jti'])
export class OutstandingToken {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 255 })
  jti: string;

  /** The user id claim's value as text, so any user store's ids fit. */
  @Index('token_blacklist_outstandingtoken_user_id_idx')
  @Column({ name: 'user_id', type: 'varchar', length: 255, nullable: true })
  userId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: true })
  createdAt: Date | null;

  @Index('token_blacklist_outstandingtoken_expires_at_idx')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** The jti of the token that began this chain of rotations. */
  @Index('token_blacklist_outstandingtoken_session_id_idx')
  @Column({ name: 'session_id', type: 'varchar', length: 255 })
  sessionId: string;
}
