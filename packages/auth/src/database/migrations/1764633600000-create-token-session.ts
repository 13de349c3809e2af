import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ifColumn } from './ddl-guards.js';

/**
 * Sessions: one row per login, holding its refresh-token generation (the live token, its
 * immediate parent and when that parent was rotated), so rotation, grace retry, reuse detection
 * and revocation all serialise on one row. Outstanding tokens no longer carry a session: only
 * tokens issued before sessions (or by SimpleJWT itself) live in the token_blacklist tables
 * (SimpleJWT's own have no session_id column: nothing to relax there).
 */
export const CREATE_TOKEN_SESSION = [
  `CREATE TABLE IF NOT EXISTS token_session (
     id varchar(64) PRIMARY KEY,
     user_id varchar(255) NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     last_used_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz NOT NULL,
     user_agent varchar(512) NOT NULL DEFAULT '',
     ip_address varchar(64) NULL,
     revoked_at timestamptz NULL,
     revoked_reason varchar(32) NULL,
     live_jti varchar(255) NOT NULL,
     live_iat bigint NOT NULL,
     live_exp bigint NOT NULL,
     access_jti varchar(255) NULL,
     access_exp bigint NULL,
     parent_jti varchar(255) NULL,
     parent_rotated_at timestamptz NULL
   )`,
  `CREATE INDEX IF NOT EXISTS token_session_user_id_idx ON token_session (user_id)`,
  `CREATE INDEX IF NOT EXISTS token_session_expires_at_idx ON token_session (expires_at)`,
  ifColumn(
    'token_blacklist_outstandingtoken',
    'session_id',
    `ALTER TABLE token_blacklist_outstandingtoken ALTER COLUMN session_id DROP NOT NULL`,
    `c.is_nullable = 'NO'`,
  ),
];

export class CreateTokenSession1764633600000 implements MigrationInterface {
  name = 'CreateTokenSession1764633600000';

  async up(db: QueryRunner): Promise<void> {
    for (const statement of CREATE_TOKEN_SESSION) await db.query(statement);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE token_session`);
  }
}
