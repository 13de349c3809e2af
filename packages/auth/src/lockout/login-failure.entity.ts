import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Recent failed logins of one username from one client address, or (username '') of every
 * username from that address: django-axes' AccessAttempt, keyed as Auth0 keys its lockout.
 * Never a password.
 */
@Entity({ name: 'login_failure' })
export class LoginFailure {
  /** As given at login (trimmed, case kept); '' counts the address across usernames. */
  @PrimaryColumn({ type: 'varchar', length: 255 })
  username: string;

  /** The client address (NUM_PROXIES-aware). */
  @PrimaryColumn({ name: 'ip_address', type: 'varchar', length: 255 })
  ipAddress: string;

  /** When each failure within the window happened; emptied when the row locks. */
  @Column({ type: 'timestamptz', array: true, default: () => "'{}'" })
  failures: Date[];

  @Column({ name: 'last_failure_at', type: 'timestamptz', default: () => 'now()' })
  lastFailureAt: Date;

  /** Logins of this username from this address (or of any from it) are refused until then. */
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;
}
