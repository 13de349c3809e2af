import { Column, Entity, JoinColumn, OneToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import { OutstandingToken } from './outstanding-token.entity.js';

/** An outstanding token that may no longer be used: SimpleJWT's BlacklistedToken. */
@Entity({ name: 'token_blacklist_blacklistedtoken' })
@Unique('token_blacklist_blacklistedtoken_token_id_uniq', ['token'])
export class BlacklistedToken {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** Unique: the one row whose insert wins decides a rotation. */
  @OneToOne(() => OutstandingToken, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'token_id', foreignKeyConstraintName: 'token_blacklist_blacklistedtoken_token_id_fkey' })
  token: Relation<OutstandingToken>;

  @Column({ name: 'blacklisted_at', type: 'timestamptz', default: () => 'now()' })
  blacklistedAt: Date;
}
