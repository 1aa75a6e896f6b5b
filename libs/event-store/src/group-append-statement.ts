import type { AppendCall } from './append-batcher.js';
import { GROUP_APPEND_FUNCTION } from './schema-names.js';

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
 * The statement is the function `agentry_group_append` (migration 1769): plain set-based SQL returned by a
 * plpgsql wrapper whose only job is to plan it with sequential scans off and a generic plan, so every step is
 * an index lookup whatever the tables' sizes when a session first planned it. Each write returns its stream id,
 * and the events carry theirs, so the only join is events to the streams they won (measured: a third less
 * executor time for a single append than joining on the append's number through a materialised request list).
 * The comment names the call in pg_stat_activity / pg_stat_statements.
 */
export const GROUP_APPEND_STATEMENT = {
  name: 'agentry_group_append_v3', // prepared once per connection
  text: `/* agentry_append_batch */ SELECT stream_id, stream_version, last_transaction_id, last_global_position
    FROM ${GROUP_APPEND_FUNCTION}($1::text[], $2::text[], $3::bigint[], $4::integer[], $5::text[], $6::text[], $7::integer[], $8::uuid[], $9::text[],
      $10::integer[], $11::jsonb[], $12::jsonb[])`,
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
