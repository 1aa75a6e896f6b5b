import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `output_containers.user_custom_metadata` / `internal_metadata`: a v2 launch's metadata, answered by
 * `containers/fetch` and `fetch-all`. Containers queued before carry none in their events, so null is
 * what a rebuild gives them too: no rebuild needed.
 */
export class OutputLaunchMetadata1765100000100 implements MigrationInterface {
  name = 'OutputLaunchMetadata1765100000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE output_containers ADD COLUMN IF NOT EXISTS user_custom_metadata jsonb, ADD COLUMN IF NOT EXISTS internal_metadata jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE output_containers DROP COLUMN user_custom_metadata, DROP COLUMN internal_metadata`);
  }
}
