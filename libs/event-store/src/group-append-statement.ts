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
 * The comment names it in pg_stat_activity / pg_stat_statements.
 */
export const GROUP_APPEND_STATEMENT = {
  name: 'agentry_group_append_v1', // prepared once per connection
  text: `/* agentry_append_batch */
    WITH req AS (
      SELECT r.sid, r.stype, r.expected, r.cnt, r.i::integer AS i
      FROM unnest($1::text[], $2::text[], $3::bigint[], $4::integer[]) WITH ORDINALITY AS r(sid, stype, expected, cnt, i)
    ),
    exact AS (
      UPDATE streams s SET version = s.version + r.cnt, updated_at = now()
      FROM req r WHERE r.expected > 0 AND s.stream_id = r.sid AND s.version = r.expected
      RETURNING r.i, s.version
    ),
    any_version AS (
      INSERT INTO streams AS s (stream_id, stream_type, version)
      SELECT r.sid, r.stype, r.cnt FROM req r WHERE r.expected IS NULL ORDER BY r.i
      ON CONFLICT (stream_id) DO UPDATE SET version = s.version + excluded.version, updated_at = now()
      RETURNING s.stream_id, s.version
    ),
    new_stream AS (
      INSERT INTO streams (stream_id, stream_type, version)
      SELECT r.sid, r.stype, r.cnt FROM req r WHERE r.expected = 0 ORDER BY r.i
      ON CONFLICT (stream_id) DO NOTHING
      RETURNING stream_id, version
    ),
    won AS (
      SELECT x.i, x.version FROM exact x
      UNION ALL SELECT r.i, a.version FROM any_version a JOIN req r ON r.sid = a.stream_id
      UNION ALL SELECT r.i, n.version FROM new_stream n JOIN req r ON r.sid = n.stream_id
    ),
    inserted AS (
      INSERT INTO events (stream_id, stream_type, stream_position, event_id, type, schema_version, data, metadata)
      SELECT r.sid, r.stype, w.version - r.cnt + e.pos, e.event_id, e.type, e.schema_version, e.data, e.metadata
      FROM unnest($5::uuid[], $6::text[], $7::integer[], $8::jsonb[], $9::jsonb[], $10::integer[], $11::integer[])
          WITH ORDINALITY AS e(event_id, type, schema_version, data, metadata, append_n, pos, k)
        JOIN won w ON w.i = e.append_n
        JOIN req r ON r.i = e.append_n
      ORDER BY e.k -- global positions in batch order, so in stream order within each append
      RETURNING stream_id, global_position
    )
    SELECT r.i AS n, w.version::text AS stream_version, pg_current_xact_id()::text AS last_transaction_id,
           max(x.global_position)::text AS last_global_position
    FROM inserted x JOIN req r ON r.sid = x.stream_id JOIN won w ON w.i = r.i
    GROUP BY r.i, w.version`,
};

/** A winner's answer: `n` is its 1-based place in the calls passed to groupAppendValues. */
export interface GroupAppendRow {
  n: number;
  stream_version: string;
  last_transaction_id: string;
  last_global_position: string;
}

/** The statement's parameters: one element per append, then one per event (with its append's n and its 1-based place in it). */
export function groupAppendValues(calls: readonly AppendCall[]): unknown[] {
  const appendOfEvent: number[] = [];
  const positionInAppend: number[] = [];
  calls.forEach((call, i) =>
    call.eventIds.forEach((_, j) => {
      appendOfEvent.push(i + 1);
      positionInAppend.push(j + 1);
    }),
  );
  return [
    calls.map((c) => c.streamId),
    calls.map((c) => c.streamType),
    calls.map((c) => c.expectedVersion),
    calls.map((c) => c.eventIds.length),
    calls.flatMap((c) => c.eventIds),
    calls.flatMap((c) => c.types),
    calls.flatMap((c) => c.schemaVersions),
    calls.flatMap((c) => c.data),
    calls.flatMap((c) => c.metadata),
    appendOfEvent,
    positionInAppend,
  ];
}
