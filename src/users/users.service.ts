import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { QueryFailedError, Repository } from 'typeorm';
import type { SqlUserLookup, UserStore } from '@nest-simplejwt/auth';
import { PasswordHasher } from './password-hasher.js';
import { validatePassword } from './password-validation.js';
import { User } from './user.entity.js';

/** Django's auth_user ids are PostgreSQL integers. */
const MAX_ID = 2_147_483_647;
const CANONICAL_ID = /^[1-9][0-9]{0,9}$/;

const COLUMNS = `id, password, last_login, is_superuser, username, first_name, last_name, email,
  is_staff, is_active, date_joined`;
const USER_BY_ID = `SELECT ${COLUMNS} FROM auth_user WHERE id = $1`;
const USER_BY_USERNAME = `SELECT ${COLUMNS} FROM auth_user WHERE username = $1`;

interface UserRow {
  id: number;
  password: string;
  last_login: Date | null;
  is_superuser: boolean;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
  is_staff: boolean;
  is_active: boolean;
  date_joined: Date;
}

/** A token's user id claim as an auth_user id: a positive integer, or its canonical decimal string; else none. */
function idFrom(value: string | number): number | null {
  const id = typeof value === 'number' ? value : CANONICAL_ID.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(id) && id >= 1 && id <= MAX_ID ? id : null;
}

function fromRow(row: UserRow): User {
  const user = new User();
  user.id = row.id;
  user.password = row.password;
  user.lastLogin = row.last_login;
  user.isSuperuser = row.is_superuser;
  user.username = row.username;
  user.firstName = row.first_name;
  user.lastName = row.last_name;
  user.email = row.email;
  user.isStaff = row.is_staff;
  user.isActive = row.is_active;
  user.dateJoined = row.date_joined;
  return user;
}

/** The user fields a token may identify users by (JWT_USER_ID_FIELD). */
export const USER_ID_FIELDS = ['id', 'username'] as const;

export interface NewUser {
  username: string;
  password: string;
  email?: string;
  isActive?: boolean;
  isStaff?: boolean;
  isSuperuser?: boolean;
}

export class UsernameTaken extends Error {
  constructor(username: string) {
    super(`A user with the username "${username}" already exists.`);
  }
}

/** The users of this app, and the AuthModule's user store over them. */
@Injectable()
export class UsersService implements UserStore<User> {
  private readonly hasher = new PasswordHasher();

  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** auth_user in SQL, so the AuthModule checks the session in the same statement as the user. */
  readonly sqlLookup: SqlUserLookup<User> = {
    select: (field) => (field === 'username' ? USER_BY_USERNAME : USER_BY_ID),
    param: (field, value) => (field === 'username' ? String(value) : field === 'id' ? idFrom(value) : null),
    fromRow: (row) => fromRow(row as unknown as UserRow),
  };

  /** Django's ModelBackend.authenticate: the user, or null; the same cost either way. */
  async authenticate(username: string, password: string): Promise<User | null> {
    const user = await this.users.findOneBy({ username });
    if (user === null) {
      await this.hasher.checkDummy(password);
      return null;
    }
    if (!(await this.hasher.check(password, user.password))) return null;
    if (this.hasher.needsRehash(user.password)) {
      user.password = await this.hasher.hash(password);
      await this.users.update({ id: user.id }, { password: user.password });
    }
    return user;
  }

  /** Only a positive integer, or its canonical decimal string, identifies a user by id. */
  async findByIdField(field: string, value: string | number): Promise<User | null> {
    if (field === 'username') return this.users.findOneBy({ username: String(value) });
    const id = field === 'id' ? idFrom(value) : null;
    return id === null ? null : this.byId(id);
  }

  /**
   * The lookup every authenticated request makes: a named prepared statement on the pool and a
   * hand-made entity (TypeORM's findOneBy built a query and mapped the row each time: ~70 µs).
   */
  private async byId(id: number): Promise<User | null> {
    const pool = (this.users.manager.connection.driver as unknown as { master: Pool }).master;
    const { rows } = await pool.query<UserRow>({ name: 'auth_user_by_id', text: USER_BY_ID, values: [id] });
    return rows.length === 0 ? null : fromRow(rows[0]);
  }

  getIdField(user: User, field: string): string | number {
    return field === 'username' ? user.username : user.id;
  }

  isActive(user: User): boolean {
    return user.isActive;
  }

  isStaff(user: User): boolean {
    return user.isStaff;
  }

  async recordLogin(user: User): Promise<void> {
    user.lastLogin = new Date();
    await this.users.update({ id: user.id }, { lastLogin: user.lastLogin });
  }

  async create(input: NewUser): Promise<User> {
    const user = this.users.create({
      username: input.username,
      password: await this.hasher.hash(input.password),
      email: input.email ?? '',
      isActive: input.isActive ?? true,
      isStaff: input.isStaff ?? false,
      isSuperuser: input.isSuperuser ?? false,
      // Written by the app at millisecond precision, so the API shows exactly what is stored.
      dateJoined: new Date(),
    });
    try {
      return await this.users.save(user);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        throw new UsernameTaken(input.username);
      }
      throw error;
    }
  }

  /** Django's check_password. */
  checkPassword(user: User, password: string): Promise<boolean> {
    return this.hasher.check(password, user.password);
  }

  /** Django's set_password and save. */
  async setPassword(user: User, password: string): Promise<void> {
    user.password = await this.hasher.hash(password);
    await this.users.update({ id: user.id }, { password: user.password });
  }

  /** Django's default password validators (POST /api/password/change/ asks). */
  validatePassword(user: User, password: string): string[] {
    return validatePassword(password, user);
  }

  /** Sets the password of the user named `username`; false when there is no such user. */
  async setPasswordByUsername(username: string, password: string): Promise<boolean> {
    const result = await this.users.update({ username }, { password: await this.hasher.hash(password) });
    return (result.affected ?? 0) > 0;
  }

  findByUsername(username: string): Promise<User | null> {
    return this.users.findOneBy({ username });
  }

  count(): Promise<number> {
    return this.users.count();
  }

  list(): Promise<User[]> {
    return this.users.find({ order: { id: 'ASC' } });
  }
}
