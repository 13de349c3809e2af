import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * A refresh (or sliding) token without a session, by jti: SimpleJWT's OutstandingToken, without the
 * token string itself. Tokens issued with a session are kept in token_session instead.
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

  /** Unused since sessions have their own table (token_session); kept for rows written before. */
  @Index('token_blacklist_outstandingtoken_session_id_idx')
  @Column({ name: 'session_id', type: 'varchar', length: 255, nullable: true })
  sessionId: string | null;
}
