import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type Role = 'member' | 'manager';

/** This app's user: not Django's auth_user. Ids are UUIDs, logins are e-mail addresses. */
@Entity({ name: 'members' })
export class Member {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 254, unique: true })
  email!: string;

  /** `scrypt$<salt>$<hash>`, hex. */
  @Column({ name: 'password_hash', type: 'varchar', length: 200 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 20, default: 'member' })
  role!: Role;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;
}
