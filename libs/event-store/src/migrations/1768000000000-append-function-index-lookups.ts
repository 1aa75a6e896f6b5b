import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APPEND_FUNCTION } from '../schema-names.js';

const SIGNATURE = `${APPEND_FUNCTION}(text, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], boolean)`;

/**
 * The append function runs with `force_generic_plan`: each session plans its statements once, at its first
 * call, and keeps that plan. A session whose first append met a nearly empty `events` table planned the
 * event-id check (`count(*) … WHERE event_id = ANY (…)`) as a sequential scan and kept it while the table
 * grew: 1.1–3.5 ms per append after a few thousand events, against 0.01–0.02 ms by the index (measured with
 * pg_stat_statements, track = all), until an autoanalyze happened to invalidate the plan. Every statement of
 * the function is a lookup by key, so it plans with sequential scans off: the index whatever the table's size
 * at planning time.
 */
export class AppendFunctionIndexLookups1768000000000 implements MigrationInterface {
  name = 'AppendFunctionIndexLookups1768000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER FUNCTION ${SIGNATURE} SET enable_seqscan = off`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER FUNCTION ${SIGNATURE} RESET enable_seqscan`);
  }
}
