import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Login lockout: one row per (username, client address) and one per address for every username
 * (username ''), each holding the times of its recent failed logins and, once locked, until when.
 * The primary key serialises concurrent failures on a row, so each count is exact across instances.
 */
export const CREATE_LOGIN_FAILURE = [
  `CREATE TABLE IF NOT EXISTS login_failure (
     username varchar(255) NOT NULL,
     ip_address varchar(255) NOT NULL,
     failures timestamptz[] NOT NULL DEFAULT '{}',
     last_failure_at timestamptz NOT NULL DEFAULT now(),
     locked_until timestamptz NULL,
     CONSTRAINT login_failure_pkey PRIMARY KEY (username, ip_address)
   )`,
];

export class CreateLoginFailure1767225600000 implements MigrationInterface {
  name = 'CreateLoginFailure1767225600000';

  async up(db: QueryRunner): Promise<void> {
    for (const statement of CREATE_LOGIN_FAILURE) await db.query(statement);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE login_failure`);
  }
}
