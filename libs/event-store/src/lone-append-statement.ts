import type { AppendCall } from './append-batcher.js';
import { MISSING_STREAM_REFUSAL } from './schema-names.js';

/**
 * Group commit's statement for a group holding one stream (at concurrency 1, every append): plain SQL, one
 * `streams` write and one `INSERT` of the events, with none of the group statement's plumbing (its three
 * writes on `streams`, one per expected-version kind, and its plpgsql wrapper: 137 µs of Postgres execution
 * per single append against 51 µs for this statement and 16 µs for a raw single-row INSERT, pg_stat_statements,
 * same run).
 *
 * Every expected-version kind is the one upsert, and the version check is still the row write: `'any'`
 * (`$3` null) always updates; `'no_stream'` (`$3` = 0) never matches an existing stream (a stream is created
 * with its first events, so its version is at least 1) and so writes only a new one; an exact version updates
 * only `WHERE version = $3`. A stream that lost its check returns no row, nothing is inserted and the statement
 * answers no row (the batcher then asks the append function, as for a group). An upsert and not an
 * `UPDATE … WHERE stream_id = $1`: its conflict check goes through the primary key by construction, where a
 * prepared UPDATE planned on a small `streams` table keeps a sequential scan as the table grows (the trap the
 * group statement's wrapper exists for; `append-function-plan.int.test.ts`). The one case the upsert gets
 * wrong, an exact version for a stream that does not exist, creates the row at version = event count, which an
 * exact version never produces (it gives at least 1 + count); the events' positions then come from
 * `MISSING_STREAM_REFUSAL`, which raises, so the statement fails and commits nothing, and the batcher answers
 * the append through the append function (a conflict, actual version 0).
 *
 * It does not NOTIFY (the coalesced signal after it does, as for a group): notifying inside it saved ~100 µs of
 * CPU per append at concurrency 1, but a notifying commit holds Postgres's notify lock until its WAL is flushed,
 * so the appends of several processes queued behind each other's flushes (four stores at concurrency 1 each:
 * 0.47x raw against 0.76x with the signal, same run; docs/PERFORMANCE.md).
 */
export const LONE_APPEND_STATEMENT = {
  name: 'agentry_lone_append_v1', // prepared once per connection
  text: `/* agentry_lone_append */ WITH won AS (
      INSERT INTO streams AS s (stream_id, stream_type, version) VALUES ($1, $2, cardinality($4::uuid[]))
      ON CONFLICT (stream_id) DO UPDATE SET version = s.version + excluded.version, updated_at = now()
        WHERE $3::bigint IS NULL OR s.version = $3::bigint
      RETURNING s.version
    ),
    inserted AS (
      INSERT INTO events (stream_id, stream_type, stream_position, event_id, type, schema_version, data, metadata)
      SELECT $1, $2,
        CASE WHEN $3::bigint > 0 AND won.version = cardinality($4::uuid[]) THEN ${MISSING_STREAM_REFUSAL}($1, $3::bigint)
             ELSE won.version - cardinality($4::uuid[]) + e.n END,
        e.event_id, e.type, e.schema_version, e.data, e.metadata
      FROM won, unnest($4::uuid[], $5::text[], $6::integer[], $7::jsonb[], $8::jsonb[])
        WITH ORDINALITY AS e(event_id, type, schema_version, data, metadata, n)
      ORDER BY e.n -- global positions in stream order
      RETURNING stream_position, global_position
    )
    SELECT max(stream_position)::text AS stream_version, pg_current_xact_id()::text AS last_transaction_id,
           max(global_position)::text AS last_global_position
    FROM inserted HAVING count(*) > 0`,
};

/** The statement's answer when the append won its version check (no row otherwise). */
export interface LoneAppendRow {
  stream_version: string;
  last_transaction_id: string;
  last_global_position: string;
}

export function loneAppendValues(call: AppendCall): unknown[] {
  return [call.streamId, call.streamType, call.expectedVersion, call.eventIds, call.types, call.schemaVersions, call.data, call.metadata];
}
