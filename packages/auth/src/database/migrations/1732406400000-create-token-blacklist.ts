import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ifColumn, unlessIndexed } from './ddl-guards.js';

const OUTSTANDING = 'token_blacklist_outstandingtoken';

/**
 * SimpleJWT's token_blacklist tables; no column holds a token string. Every statement of the
 * module's migrations is idempotent, so the module (runMigrations) and TypeORM's migration runner
 * can both apply them, in either order, to an empty database or one that already has them. On
 * the tables SimpleJWT's own migrations made (a Django database adopted in place) they only add
 * what is missing: the expires_at index, and a default for SimpleJWT's `token` column (NOT NULL
 * there; never written here), so that rows written here are valid for Django too.
 */
export const CREATE_TOKEN_BLACKLIST = [
  `CREATE TABLE IF NOT EXISTS token_blacklist_outstandingtoken (
     id bigserial PRIMARY KEY,
     jti varchar(255) NOT NULL,
     user_id varchar(255) NULL,
     created_at timestamptz NULL,
     expires_at timestamptz NOT NULL,
     session_id varchar(255) NOT NULL,
     CONSTRAINT token_blacklist_outstandingtoken_jti_uniq UNIQUE (jti)
   )`,
  unlessIndexed(OUTSTANDING, 'user_id', `CREATE INDEX IF NOT EXISTS token_blacklist_outstandingtoken_user_id_idx ON ${OUTSTANDING} (user_id)`),
  `CREATE INDEX IF NOT EXISTS token_blacklist_outstandingtoken_expires_at_idx ON ${OUTSTANDING} (expires_at)`,
  ifColumn(OUTSTANDING, 'session_id', `CREATE INDEX IF NOT EXISTS token_blacklist_outstandingtoken_session_id_idx ON ${OUTSTANDING} (session_id)`),
  ifColumn(OUTSTANDING, 'token', `ALTER TABLE ${OUTSTANDING} ALTER COLUMN token SET DEFAULT ''`, 'c.column_default IS NULL'),
  `CREATE TABLE IF NOT EXISTS token_blacklist_blacklistedtoken (
     id bigserial PRIMARY KEY,
     blacklisted_at timestamptz NOT NULL DEFAULT now(),
     token_id bigint NOT NULL
       REFERENCES token_blacklist_outstandingtoken (id) ON DELETE CASCADE,
     CONSTRAINT token_blacklist_blacklistedtoken_token_id_uniq UNIQUE (token_id)
   )`,
];

export class CreateTokenBlacklist1732406400000 implements MigrationInterface {
  name = 'CreateTokenBlacklist1732406400000';

  async up(db: QueryRunner): Promise<void> {
    for (const statement of CREATE_TOKEN_BLACKLIST) await db.query(statement);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE token_blacklist_blacklistedtoken`);
    await db.query(`DROP TABLE token_blacklist_outstandingtoken`);
  }
}
