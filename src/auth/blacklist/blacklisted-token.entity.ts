import { Column, Entity, JoinColumn, OneToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { OutstandingToken } from './outstanding-token.entity.js';

/** An outstanding token that may no longer be used: SimpleJWT's BlacklistedToken. */
@Entity({ name: 'token_blacklist_blacklistedtoken' })
export class BlacklistedToken {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** Unique: the one row whose insert wins decides a rotation. */
  @OneToOne(() => OutstandingToken, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'token_id' })
  token: Relation<OutstandingToken>;

  @Column({ name: 'blacklisted_at', type: 'timestamptz', default: () => 'now()' })
  blacklistedAt: Date;
}
