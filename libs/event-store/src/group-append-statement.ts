import type { AppendCall } from './append-batcher.js';

/**
 * Group commit's one statement: appends to DISTINCT streams (the batcher guarantees it), each with its own
 * expected version, as one prepared SQL statement — one transaction, one commit, a few set-based writes for
 * the whole batch: one `streams` write per expected-version kind (the version check *is* that write, as in
 * the single append function) and one `INSERT` of every winner's events in batch order.
 *
 * It answers a row only for the appends that won their version check. The others (a conflict, or a retry
 * whose ids are stored) are answered by the batcher through the single append function, which tells a
 * duplicate from a conflict and reads the actual version in a fresh snapshot. There is no pre-check of the
 * event ids: an id already stored hits the `event_id` unique index, the whole statement fails and commits
 * nothing, and the batcher runs its appends one by one (ids are only stored twice by retries: rare).
 *
 * Plain SQL rather than a plpgsql function: no interpreter, no per-call function set-up, and one generic plan
 * per connection (every step is a key lookup or an insert, so a generic plan is right whatever the sizes).
 * Each write returns its stream id, and the events carry theirs, so the only join is events to the streams
 * they won (measured: a third less executor time for a single append than joining on the append's number
 * through a materialised request list). The comment names it in pg_stat_activity / pg_stat_statements.
 */
export const GROUP_APPEND_STATEMENT = {
  name: 'agentry_group_append_v2', // prepared once per connection
  text: `/* agentry_append_batch */
    WITH exact AS (
      UPDATE streams s SET version = s.version + r.cnt, updated_at = now()
      FROM unnest($1::text[], $3::bigint[], $4::integer[]) AS r(sid, expected, cnt)
      WHERE r.expected > 0 AND s.stream_id = r.sid AND s.version = r.expected
      RETURNING s.stream_id, s.version
    ),
    any_version AS (
      INSERT INTO streams AS s (stream_id, stream_type, version)
      SELECT r.sid, r.stype, r.cnt FROM unnest($1::text[], $2::text[], $3::bigint[], $4::integer[]) AS r(sid, stype, expected, cnt)
      WHERE r.expected IS NULL
      ON CONFLICT (stream_id) DO UPDATE SET version = s.version + excluded.version, updated_at = now()
      RETURNING s.stream_id, s.version
    ),
    new_stream AS (
      INSERT INTO streams (stream_id, stream_type, version)
      SELECT r.sid, r.stype, r.cnt FROM unnest($1::text[], $2::text[], $3::bigint[], $4::integer[]) AS r(sid, stype, expected, cnt)
      WHERE r.expected = 0
      ON CONFLICT (stream_id) DO NOTHING
      RETURNING stream_id, version
    ),
    won AS (
      SELECT * FROM exact UNION ALL SELECT * FROM any_version UNION ALL SELECT * FROM new_stream
    ),
    inserted AS (
      INSERT INTO events (stream_id, stream_type, stream_position, event_id, type, schema_version, data, metadata)
      SELECT e.sid, e.stype, w.version + e.from_end, e.event_id, e.type, e.schema_version, e.data, e.metadata
      FROM unnest($5::text[], $6::text[], $7::integer[], $8::uuid[], $9::text[], $10::integer[], $11::jsonb[], $12::jsonb[])
          WITH ORDINALITY AS e(sid, stype, from_end, event_id, type, schema_version, data, metadata, k)
        JOIN won w ON w.stream_id = e.sid
      ORDER BY e.k -- global positions in group order, so in stream order within each append
      RETURNING stream_id, stream_position, global_position
    )
    SELECT stream_id, max(stream_position)::text AS stream_version, pg_current_xact_id()::text AS last_transaction_id,
           max(global_position)::text AS last_global_position
    FROM inserted GROUP BY stream_id`,
};

/** A winner's answer, by stream (a group holds each stream once). */
export interface GroupAppendRow {
  stream_id: string;
  stream_version: string;
  last_transaction_id: string;
  last_global_position: string;
}

/**
 * The statement's parameters: one element per append (stream, type, expected version, event count), then one
 * per event, with its stream, stream type and place counted from its append's end (0 for the last event: its
 * stream position is the stream's new version plus that), so the events join the streams' writes by stream id
 * alone.
 */
export function groupAppendValues(calls: readonly AppendCall[]): unknown[] {
  const eventStreams: string[] = [];
  const eventStreamTypes: string[] = [];
  const fromEnd: number[] = [];
  for (const call of calls) {
    const count = call.eventIds.length;
    for (let j = 0; j < count; j++) {
      eventStreams.push(call.streamId);
      eventStreamTypes.push(call.streamType);
      fromEnd.push(j + 1 - count);
    }
  }
  return [
    calls.map((c) => c.streamId),
    calls.map((c) => c.streamType),
    calls.map((c) => c.expectedVersion),
    calls.map((c) => c.eventIds.length),
    eventStreams,
    eventStreamTypes,
    fromEnd,
    calls.flatMap((c) => c.eventIds),
    calls.flatMap((c) => c.types),
    calls.flatMap((c) => c.schemaVersions),
    calls.flatMap((c) => c.data),
    calls.flatMap((c) => c.metadata),
  ];
}
