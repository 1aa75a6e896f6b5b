import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `output_containers.csv_name` / `json_name`: the result files a run stored (ContainerResultFileSaved),
 * answered as `csvName` / `jsonName` by `containers/fetch` and `fetch-all`. Runs before carry no such
 * event, so null is what a rebuild gives them too: no rebuild needed.
 */
export class OutputResultFiles1765200000100 implements MigrationInterface {
  name = 'OutputResultFiles1765200000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE output_containers ADD COLUMN IF NOT EXISTS csv_name text, ADD COLUMN IF NOT EXISTS json_name text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE output_containers DROP COLUMN csv_name, DROP COLUMN json_name`);
  }
}
