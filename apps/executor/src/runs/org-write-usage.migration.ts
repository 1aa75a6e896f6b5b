import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `executor_org_write_usage`: bytes each org's scripts wrote per window (the org write quota). */
export class OrgWriteUsage1765000000100 implements MigrationInterface {
  name = 'OrgWriteUsage1765000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE executor_org_write_usage (
        org_id       bigint NOT NULL,
        window_start timestamptz NOT NULL,
        bytes        bigint NOT NULL,
        PRIMARY KEY (org_id, window_start)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE executor_org_write_usage`);
  }
}
