import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APPEND_BATCH_FUNCTION } from '../schema-names.js';
import { AppendBatch1766000000000 } from './1766000000000-append-batch.js';

/**
 * Group commit runs one prepared SQL statement per group now (group-append-statement.ts), not the plpgsql
 * batch function: the function's check of the whole group before writing (distinct streams, no stored id)
 * cost more than the writes. The function is dropped so nothing can call a second, drifting copy of the
 * append rules. A replica of the previous release still calling it gets an error, which its batcher answers
 * by appending each of the group's appends alone: slower for the length of a rolling upgrade, never wrong.
 */
export class DropAppendBatch1767000000000 implements MigrationInterface {
  name = 'DropAppendBatch1767000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION IF EXISTS ${APPEND_BATCH_FUNCTION}(text[], text[], bigint[], integer[], uuid[], text[], integer[], jsonb[], jsonb[])`);
  }

  async down(db: QueryRunner): Promise<void> {
    await new AppendBatch1766000000000().up(db);
  }
}
