import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ConsoleOutput1764100000100 implements MigrationInterface {
  name = 'ConsoleOutput1764100000100';

  async up(q: QueryRunner): Promise<void> {
    // Append-only: rows are inserted (ON CONFLICT DO NOTHING) and only the retention job removes them.
    await q.query(`
      CREATE TABLE output_chunks (
        container_id bigint NOT NULL,
        byte_offset bigint NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (container_id, byte_offset)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE output_chunks`);
  }
}
