import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APPEND_BATCH_FUNCTION, APPEND_FUNCTION } from '../schema-names.js';

/**
 * Group commit (append-batcher.ts): several appends, each to its own stream with its own expected
 * version, in one call — one statement, so one transaction and one commit for all of them. Each
 * request runs the single append function on its slice of the event arrays and gets that
 * function's own outcome ('conflict' for one does not fail the others; ids already stored are
 * 'duplicate' as alone). Requests run in the order given: two to the same stream see each other, as
 * if one came after the other. No notify here: the caller raises its coalesced signal after commit.
 *
 * p_counts[i] is the number of events of request i; the event arrays hold every request's events
 * back to back. Answers one row per request, in order (ordinality n).
 */
export class AppendBatch1766000000000 implements MigrationInterface {
  name = 'AppendBatch1766000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION ${APPEND_BATCH_FUNCTION}(
        p_stream_ids text[], p_stream_types text[], p_expected_versions bigint[], p_counts integer[],
        p_event_ids uuid[], p_types text[], p_schema_versions integer[], p_data jsonb[], p_metadata jsonb[])
      RETURNS TABLE (n integer, outcome text, stream_version bigint, last_transaction_id xid8, last_global_position bigint)
      LANGUAGE plpgsql
      AS $$
      DECLARE
        v_first integer := 1;
        v_last integer;
      BEGIN
        FOR i IN 1 .. cardinality(p_stream_ids) LOOP
          v_last := v_first + p_counts[i] - 1;
          n := i;
          SELECT a.outcome, a.stream_version, a.last_transaction_id, a.last_global_position
            INTO outcome, stream_version, last_transaction_id, last_global_position
            FROM ${APPEND_FUNCTION}(p_stream_ids[i], p_stream_types[i], p_expected_versions[i],
              p_event_ids[v_first:v_last], p_types[v_first:v_last], p_schema_versions[v_first:v_last],
              p_data[v_first:v_last], p_metadata[v_first:v_last], false) a;
          RETURN NEXT;
          v_first := v_last + 1;
        END LOOP;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION ${APPEND_BATCH_FUNCTION}(text[], text[], bigint[], integer[], uuid[], text[], integer[], jsonb[], jsonb[])`);
  }
}
