import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `accounts_orgs.max_running_containers`: the plan's fair-share cap; null follows the operator's default. */
export class OrgRunningCap1765000000600 implements MigrationInterface {
  name = 'OrgRunningCap1765000000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts_orgs ADD COLUMN IF NOT EXISTS max_running_containers integer`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts_orgs DROP COLUMN max_running_containers`);
  }
}
