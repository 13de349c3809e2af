import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source.js';
import { dropDatabases, freshDatabase, sql } from './support/database.js';

const OUTSTANDING = 'token_blacklist_outstandingtoken';
const BLACKLISTED = 'token_blacklist_blacklistedtoken';

describe('database schema (migrations against entities)', () => {
  let url: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    url = await freshDatabase();
    dataSource = new DataSource(dataSourceOptions(url, 2));
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabases();
  });

  /** Single-column indexes of a table, as `UNIQUE col` or `col`. */
  async function indexes(table: string): Promise<string[]> {
    const rows = await sql<{ indexdef: string }>(url, `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1`, [table]);
    return rows
      .map(({ indexdef }) => /^CREATE (UNIQUE )?INDEX \S+ ON public\.\S+ USING btree \((\w+)\)$/.exec(indexdef))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => `${match[1] ?? ''}${match[2]}`)
      .sort();
  }

  it('has every migration recorded', async () => {
    expect(await dataSource.showMigrations()).toBe(false);
    const rows = await sql(url, 'SELECT name FROM typeorm_migrations ORDER BY timestamp');
    expect(rows.map((r) => r.name)).toEqual([
      'CreateAuthUser1732406300000',
      'CreateTokenBlacklist1732406400000',
      'CreateNotes1732406500000',
      'CreateTokenSession1764633600000',
    ]);
  });

  it('matches the entities: TypeORM would change nothing', async () => {
    const { upQueries } = await dataSource.driver.createSchemaBuilder().log();
    const queries = upQueries.map((q) => q.query);
    // Printed in the failure message: each is what TypeORM thinks the migrations got wrong.
    expect(queries.join(';\n')).toBe('');
  });

  it('has the tables Django and SimpleJWT define, and the notes of the example resource', async () => {
    const rows = await sql(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
    expect(rows.map((r) => r.table_name)).toEqual(['auth_user', 'notes_note', BLACKLISTED, OUTSTANDING, 'token_session', 'typeorm_migrations']);
  });

  it('has auth_user with Django\'s columns', async () => {
    const rows = await sql(
      url,
      `SELECT column_name, data_type, character_maximum_length AS length, is_nullable
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'auth_user' ORDER BY ordinal_position`,
    );
    expect(rows).toEqual([
      { column_name: 'id', data_type: 'integer', length: null, is_nullable: 'NO' },
      { column_name: 'password', data_type: 'character varying', length: 128, is_nullable: 'NO' },
      { column_name: 'last_login', data_type: 'timestamp with time zone', length: null, is_nullable: 'YES' },
      { column_name: 'is_superuser', data_type: 'boolean', length: null, is_nullable: 'NO' },
      { column_name: 'username', data_type: 'character varying', length: 150, is_nullable: 'NO' },
      { column_name: 'first_name', data_type: 'character varying', length: 150, is_nullable: 'NO' },
      { column_name: 'last_name', data_type: 'character varying', length: 150, is_nullable: 'NO' },
      { column_name: 'email', data_type: 'character varying', length: 254, is_nullable: 'NO' },
      { column_name: 'is_staff', data_type: 'boolean', length: null, is_nullable: 'NO' },
      { column_name: 'is_active', data_type: 'boolean', length: null, is_nullable: 'NO' },
      { column_name: 'date_joined', data_type: 'timestamp with time zone', length: null, is_nullable: 'NO' },
    ]);
  });

  it("gives notes an owner that must exist and goes with the user (ON DELETE CASCADE)", async () => {
    const rows = await sql(
      url,
      `SELECT confdeltype, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'notes_note_owner_id_fkey'`,
    );
    expect(rows).toEqual([{ confdeltype: 'c', def: 'FOREIGN KEY (owner_id) REFERENCES auth_user(id) ON DELETE CASCADE' }]);
  });

  it('makes auth_user.username unique', async () => {
    expect(await indexes('auth_user')).toEqual(['UNIQUE id', 'UNIQUE username']);
  });

  it('has token_session: one row per login with its refresh-token generation, indexed by user and expiry, no token string', async () => {
    const rows = await sql(url, `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'token_session' ORDER BY ordinal_position`);
    expect(rows.map((r) => `${r.column_name} ${r.data_type}`)).toEqual([
      'id character varying',
      'user_id character varying',
      'created_at timestamp with time zone',
      'last_used_at timestamp with time zone',
      'expires_at timestamp with time zone',
      'user_agent character varying',
      'ip_address character varying',
      'revoked_at timestamp with time zone',
      'revoked_reason character varying',
      'live_jti character varying',
      'live_iat bigint',
      'live_exp bigint',
      'access_jti character varying',
      'access_exp bigint',
      'parent_jti character varying',
      'parent_rotated_at timestamp with time zone',
    ]);
    expect(await indexes('token_session')).toEqual(['UNIQUE id', 'expires_at', 'user_id']);
  });

  it('makes the outstanding jti unique and indexes expires_at, user_id and session_id', async () => {
    expect(await indexes(OUTSTANDING)).toEqual(['UNIQUE id', 'UNIQUE jti', 'expires_at', 'session_id', 'user_id']);
  });

  it('makes the blacklisted token_id unique', async () => {
    expect(await indexes(BLACKLISTED)).toEqual(['UNIQUE id', 'UNIQUE token_id']);
  });

  it('stores no token string: the outstanding table has no token column', async () => {
    const rows = await sql(url, `SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [OUTSTANDING]);
    expect(rows.map((r) => r.column_name)).toEqual(['id', 'jti', 'user_id', 'created_at', 'expires_at', 'session_id']);
  });

  it('deletes blacklisted rows with their outstanding token (ON DELETE CASCADE)', async () => {
    const rows = await sql(
      url,
      `SELECT kcu.column_name, ccu.table_name AS referenced_table, ccu.column_name AS referenced_column, rc.delete_rule
       FROM information_schema.referential_constraints rc
       JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name
       JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = rc.constraint_name
       WHERE kcu.table_name = $1`,
      [BLACKLISTED],
    );
    expect(rows).toEqual([{ column_name: 'token_id', referenced_table: OUTSTANDING, referenced_column: 'id', delete_rule: 'CASCADE' }]);
  });

  it('enforces the unique constraints the contract relies on', async () => {
    await sql(url, `INSERT INTO auth_user (username, password) VALUES ('dup', '!')`);
    await expect(sql(url, `INSERT INTO auth_user (username, password) VALUES ('dup', '!')`)).rejects.toMatchObject({ code: '23505' });
    const [{ id }] = await sql(
      url,
      `INSERT INTO ${OUTSTANDING} (jti, expires_at, session_id) VALUES ('j1', now() + interval '1 day', 'j1') RETURNING id`,
    );
    await expect(
      sql(url, `INSERT INTO ${OUTSTANDING} (jti, expires_at, session_id) VALUES ('j1', now() + interval '1 day', 'j1')`),
    ).rejects.toMatchObject({ code: '23505' });
    await sql(url, `INSERT INTO ${BLACKLISTED} (token_id) VALUES ($1)`, [id]);
    await expect(sql(url, `INSERT INTO ${BLACKLISTED} (token_id) VALUES ($1)`, [id])).rejects.toMatchObject({ code: '23505' });
  });
});
