import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMembers1760000000000 implements MigrationInterface {
  name = 'CreateMembers1760000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE members (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email varchar(254) NOT NULL UNIQUE,
      password_hash varchar(200) NOT NULL,
      role varchar(20) NOT NULL DEFAULT 'member',
      enabled boolean NOT NULL DEFAULT true)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE members');
  }
}
