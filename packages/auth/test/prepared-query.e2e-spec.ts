// The module's statements run as PreparedQuery on a real PostgreSQL: rows come out as pg's own
// pool.query makes them (its type parsers, the pool's own ones included), a statement whose
// columns changed is described anew, and a failed statement's connection is not reused.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { dropDatabases, emptyDatabase } from '../../../test/support/database.js';
import { AuthDatabase } from '../src/index.js';

afterAll(() => dropDatabases());

describe('AuthDatabase.query', () => {
  let url: string;
  const pools: pg.Pool[] = [];
  const poolOf = (config: pg.PoolConfig = {}) => {
    const pool = new pg.Pool({ connectionString: url, max: 2, ...config });
    pools.push(pool);
    return pool;
  };

  beforeAll(async () => {
    url = await emptyDatabase();
    const pool = poolOf();
    await pool.query(`CREATE TABLE item (id int PRIMARY KEY, name text, made timestamptz, big bigint, flags boolean, tags jsonb)`);
    await pool.query(`INSERT INTO item VALUES (1, 'one', '2026-01-02T03:04:05Z', 9007199254740993, true, '{"a": [1]}'), (2, NULL, NULL, NULL, NULL, NULL)`);
  });
  afterAll(() => Promise.all(pools.map((pool) => pool.end())));

  it('answers the rows pool.query answers, many times over on each connection', async () => {
    const pool = poolOf();
    const db = AuthDatabase.of(pool);
    const text = 'SELECT * FROM item WHERE id = ANY($1::int[]) ORDER BY id';
    const expected = (await pool.query(text, [[1, 2]])).rows;
    expect(expected[0]).toEqual({ id: 1, name: 'one', made: new Date('2026-01-02T03:04:05Z'), big: '9007199254740993', flags: true, tags: { a: [1] } });
    const answers = await Promise.all(Array.from({ length: 20 }, () => db.query('item_rows', text, [[1, 2]])));
    for (const answer of answers) expect(answer).toEqual({ rows: expected, rowCount: 2 });
    const none = await db.query('item_rows', text, [[3]]);
    expect(none).toEqual({ rows: [], rowCount: 0 });
  });

  it('parses with the pool\'s own type parsers', async () => {
    const pool = poolOf({ types: { getTypeParser: (oid: number, format?: string) => (oid === 20 ? BigInt : pg.types.getTypeParser(oid, format as 'text')) } as never });
    const { rows } = await AuthDatabase.of(pool).query('item_big', 'SELECT big FROM item WHERE id = 1');
    expect(rows).toEqual([{ big: 9007199254740993n }]);
  });

  it('leaves binary results (pg\'s `binary` option) to pg', async () => {
    const pool = poolOf({ binary: true } as pg.PoolConfig);
    const text = 'SELECT id, flags FROM item WHERE id = 1';
    const expected = (await pool.query(text)).rows;
    expect(expected).toEqual([{ id: 1, flags: true }]);
    expect((await AuthDatabase.of(pool).query('item_binary', text)).rows).toEqual(expected);
  });

  it('describes a statement anew when its columns change', async () => {
    const pool = poolOf();
    const db = AuthDatabase.of(pool);
    const text = 'SELECT * FROM item WHERE id = 1';
    expect((await db.query('item_star', text)).rows[0]).not.toHaveProperty('extra');
    await pool.query('ALTER TABLE item ADD COLUMN extra text DEFAULT \'x\'');
    // A connection that prepared the statement before refuses it once (PostgreSQL's own rule);
    // pg then drops that connection, and the statement is prepared again on a fresh one.
    const after = async () => {
      for (let attempt = 0; attempt < 4; attempt++) {
        try {
          return await db.query('item_star', text);
        } catch (error) {
          expect((error as Error).message).toBe('cached plan must not change result type');
        }
      }
      throw new Error('never answered');
    };
    expect((await after()).rows[0]).toMatchObject({ id: 1, extra: 'x' });
    await pool.query('ALTER TABLE item DROP COLUMN extra');
  });

  it('refuses like pool.query, and does not reuse the connection a statement failed on', async () => {
    const pool = poolOf({ max: 1 });
    const db = AuthDatabase.of(pool);
    const pid = async () => (await db.query<{ pid: number }>('backend_pid', 'SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const first = await pid();
    expect(await pid()).toBe(first);
    await expect(db.query('item_dup', 'INSERT INTO item (id) VALUES ($1)', [1])).rejects.toMatchObject({ code: '23505' });
    expect(await pid()).not.toBe(first);
    expect(pool.totalCount).toBe(1);
  });
});
