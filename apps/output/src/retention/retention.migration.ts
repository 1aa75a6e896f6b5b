import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OutputRetention1764100000300 implements MigrationInterface {
  name = 'OutputRetention1764100000300';

  async up(q: QueryRunner): Promise<void> {
    // Containers the archive job exported and removed. Projections and the chunk writer skip them, and a
    // rebuild (which does not empty this table) leaves them out again, so archived history stays archived.
    await q.query(`
      CREATE TABLE output_archived_containers (
        container_id bigint PRIMARY KEY,
        org_id integer NOT NULL,
        agent_id integer NOT NULL,
        ended_at bigint NOT NULL,
        archived_at bigint NOT NULL,
        archive_file text NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE output_archived_containers`);
  }
}
