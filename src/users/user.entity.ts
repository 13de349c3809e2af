import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { drfDateTime } from '@nest-simplejwt/auth';

/** A user, in Django's auth_user table, so data and people can move across. */
@Entity({ name: 'auth_user' })
export class User {
  @PrimaryGeneratedColumn('identity', { type: 'integer', generatedIdentity: 'BY DEFAULT' })
  id: number;

  /** A hash in one of Django's formats (`argon2$argon2id$...` when made here); never the password. */
  @Column({ type: 'varchar', length: 128 })
  password: string;

  @Column({ name: 'last_login', type: 'timestamptz', nullable: true })
  lastLogin: Date | null;

  @Column({ name: 'is_superuser', type: 'boolean', default: false })
  isSuperuser: boolean;

  @Column({ type: 'varchar', length: 150, unique: true })
  username: string;

  @Column({ name: 'first_name', type: 'varchar', length: 150, default: '' })
  firstName: string;

  @Column({ name: 'last_name', type: 'varchar', length: 150, default: '' })
  lastName: string;

  @Column({ type: 'varchar', length: 254, default: '' })
  email: string;

  @Column({ name: 'is_staff', type: 'boolean', default: false })
  isStaff: boolean;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  @Column({ name: 'date_joined', type: 'timestamptz', default: () => 'now()' })
  dateJoined: Date;
}

/** A user as the API shows it, in Django's field names; the password hash never leaves. */
export interface UserView {
  id: number;
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  is_staff: boolean;
  is_superuser: boolean;
  is_active: boolean;
  last_login: string | null;
  date_joined: string;
}

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    is_staff: user.isStaff,
    is_superuser: user.isSuperuser,
    is_active: user.isActive,
    last_login: user.lastLogin ? drfDateTime(user.lastLogin) : null,
    date_joined: drfDateTime(user.dateJoined),
  };
}

/** What the stateless mode knows of a user: only what the token says (SimpleJWT's TokenUser). */
export interface TokenUserView {
  id: string | number;
  username: string;
  is_staff: boolean;
  is_superuser: boolean;
  is_active: true;
}

export function toTokenUserView(user: { id: string | number; username: string; isStaff: boolean; isSuperuser: boolean }): TokenUserView {
  return { id: user.id, username: user.username, is_staff: user.isStaff, is_superuser: user.isSuperuser, is_active: true };
}
