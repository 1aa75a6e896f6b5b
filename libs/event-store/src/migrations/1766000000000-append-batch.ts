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
 * back to back. Answers one row per request, in order (ordinality n). The common batch (distinct
 * streams, no stored id) is done set-based; the outcomes are the same (tests cover both ways).
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
        -- The common case, set-based (a few statements for the whole batch instead of a few per append):
        -- every append to a different stream, no event id already stored.
        IF (SELECT count(DISTINCT s) FROM unnest(p_stream_ids) s) = cardinality(p_stream_ids)
           AND NOT EXISTS (SELECT 1 FROM events WHERE event_id = ANY (p_event_ids)) THEN
          -- Lock the streams that exist in id order first, as the append-by-append path does (its appends
          -- are sorted the same way, by code unit): two batches never wait on each other in opposite orders (a deadlock costs
          -- deadlock_timeout and a retry of every append alone).
          PERFORM 1 FROM streams WHERE stream_id = ANY (p_stream_ids) ORDER BY stream_id COLLATE "C" FOR UPDATE;
          RETURN QUERY
          WITH req AS (
            SELECT r.i::integer AS i, r.sid, r.stype, r.expected, r.cnt
            FROM unnest(p_stream_ids, p_stream_types, p_expected_versions, p_counts) WITH ORDINALITY AS r(sid, stype, expected, cnt, i)
          ),
          exact AS (
            UPDATE streams s SET version = s.version + r.cnt, updated_at = now()
            FROM req r WHERE r.expected > 0 AND s.stream_id = r.sid AND s.version = r.expected
            RETURNING r.i, s.version
          ),
          any_version AS (
            INSERT INTO streams AS s (stream_id, stream_type, version)
            SELECT r.sid, r.stype, r.cnt FROM req r WHERE r.expected IS NULL
            ON CONFLICT (stream_id) DO UPDATE SET version = s.version + excluded.version, updated_at = now()
            RETURNING s.stream_id, s.version
          ),
          new_stream AS (
            INSERT INTO streams AS s (stream_id, stream_type, version)
            SELECT r.sid, r.stype, r.cnt FROM req r WHERE r.expected = 0
            ON CONFLICT (stream_id) DO NOTHING
            RETURNING s.stream_id, s.version
          ),
          won AS (
            SELECT x.i, x.version FROM exact x
            UNION ALL SELECT r.i, a.version FROM any_version a JOIN req r ON r.sid = a.stream_id
            UNION ALL SELECT r.i, ns.version FROM new_stream ns JOIN req r ON r.sid = ns.stream_id
          ),
          -- Event k (1-based over the whole batch) belongs to append i at position pos within it.
          event_of AS (
            SELECT r.i, g.pos, row_number() OVER (ORDER BY r.i, g.pos) AS k
            FROM req r CROSS JOIN LATERAL generate_series(1, r.cnt) AS g(pos)
          ),
          inserted AS (
            INSERT INTO events (stream_id, stream_type, stream_position, event_id, type, schema_version, data, metadata)
            SELECT r.sid, r.stype, w.version - r.cnt + m.pos, e.event_id, e.type, e.schema_version, e.data, e.metadata
            FROM won w
              JOIN req r ON r.i = w.i
              JOIN event_of m ON m.i = w.i
              JOIN unnest(p_event_ids, p_types, p_schema_versions, p_data, p_metadata)
                WITH ORDINALITY AS e(event_id, type, schema_version, data, metadata, k) ON e.k = m.k
            ORDER BY m.k -- global positions in stream order
            RETURNING events.stream_id, events.global_position
          )
          SELECT r.i,
                 CASE WHEN w.i IS NULL THEN 'conflict' ELSE 'appended' END,
                 coalesce(w.version, (SELECT s.version FROM streams s WHERE s.stream_id = r.sid), 0),
                 CASE WHEN w.i IS NULL THEN NULL ELSE pg_current_xact_id() END,
                 (SELECT max(x.global_position) FROM inserted x WHERE x.stream_id = r.sid)
          FROM req r LEFT JOIN won w ON w.i = r.i
          ORDER BY r.i;
          RETURN;
        END IF;

        -- Otherwise append by append, each exactly as alone.
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
