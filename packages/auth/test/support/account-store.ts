import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import type { UserStore } from '../../src/index.js';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;

/** A user of an app that is not Django: its own table, its own hash format. */
export interface Account {
  id: number;
  email: string;
  displayName: string;
  active: boolean;
  admin: boolean;
}

const DUMMY = { salt: randomBytes(16), hash: Buffer.alloc(32) };

/** `scrypt:<salt hex>:<hash hex>` */
async function hashPassword(password: string, salt = randomBytes(16)): Promise<string> {
  return `scrypt:${salt.toString('hex')}:${(await scrypt(password, salt, 32)).toString('hex')}`;
}

/** A UserStore over an `accounts` table in PostgreSQL, as a team with its own users would write one. */
export class AccountStore implements UserStore<Account> {
  constructor(readonly pool: pg.Pool) {}

  static async create(url: string): Promise<AccountStore> {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    await pool.query(`CREATE TABLE IF NOT EXISTS accounts (
      id serial PRIMARY KEY, email text UNIQUE NOT NULL, display_name text NOT NULL DEFAULT '',
      password_hash text NOT NULL, active boolean NOT NULL DEFAULT true, admin boolean NOT NULL DEFAULT false)`);
    return new AccountStore(pool);
  }

  async add(email: string, password: string, fields: Partial<Pick<Account, 'active' | 'admin' | 'displayName'>> = {}): Promise<Account> {
    const { rows } = await this.pool.query(
      `INSERT INTO accounts (email, display_name, password_hash, active, admin) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [email, fields.displayName ?? '', await hashPassword(password), fields.active ?? true, fields.admin ?? false],
    );
    return toAccount(rows[0]);
  }

  async authenticate(username: string, password: string): Promise<Account | null> {
    const { rows } = await this.pool.query('SELECT * FROM accounts WHERE email = $1', [username]);
    const [, saltHex, hashHex] = rows[0] ? String(rows[0].password_hash).split(':') : ['', DUMMY.salt.toString('hex'), DUMMY.hash.toString('hex')];
    const derived = await scrypt(password, Buffer.from(saltHex, 'hex'), 32);
    const ok = timingSafeEqual(derived, Buffer.from(hashHex, 'hex'));
    return rows[0] && ok ? toAccount(rows[0]) : null;
  }

  async checkPassword(user: Account, password: string): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT password_hash FROM accounts WHERE id = $1', [user.id]);
    if (!rows[0]) return false;
    const [, saltHex, hashHex] = String(rows[0].password_hash).split(':');
    return timingSafeEqual(await scrypt(password, Buffer.from(saltHex, 'hex'), 32), Buffer.from(hashHex, 'hex'));
  }

  async setPassword(user: Account, password: string): Promise<void> {
    await this.pool.query('UPDATE accounts SET password_hash = $1 WHERE id = $2', [await hashPassword(password), user.id]);
  }

  async findByIdField(field: string, value: string | number): Promise<Account | null> {
    if (field !== 'id' || !/^[1-9][0-9]{0,8}$/.test(String(value))) return null;
    const { rows } = await this.pool.query('SELECT * FROM accounts WHERE id = $1', [Number(value)]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  getIdField(user: Account): number {
    return user.id;
  }

  isActive(user: Account): boolean {
    return user.active;
  }

  isStaff(user: Account): boolean {
    return user.admin;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

function toAccount(row: Record<string, unknown>): Account {
  return {
    id: row.id as number,
    email: row.email as string,
    displayName: row.display_name as string,
    active: row.active as boolean,
    admin: row.admin as boolean,
  };
}
