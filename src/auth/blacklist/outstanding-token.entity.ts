import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Every refresh (and sliding) token issued, by jti: SimpleJWT's OutstandingToken, without the
 * token string itself. `session_id` ties a chain of rotated tokens to the login that began it.
 */
@Entity({ name: 'token_blacklist_outstandingtoken' })
export class OutstandingToken {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 255, unique: true })
  jti: string;

  /** The user id claim's value as text, so any user store's ids fit. */
  @Index()
  @Column({ name: 'user_id', type: 'varchar', length: 255, nullable: true })
  userId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: true })
  createdAt: Date | null;

  @Index()
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** The jti of the token that began this chain of rotations. */
  @Index()
  @Column({ name: 'session_id', type: 'varchar', length: 255 })
  sessionId: string;
}
