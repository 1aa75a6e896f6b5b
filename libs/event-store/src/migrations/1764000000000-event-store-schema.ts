import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APPEND_FUNCTION, EVENTS_CHANNEL, ID_SEQUENCES } from '../schema-names.js';

/**
 * The append-only log: streams (current version per stream), events, projection checkpoints,
 * the id sequences, the one-round-trip append function, and a trigger refusing any rewrite.
 */
export class EventStoreSchema1764000000000 implements MigrationInterface {
  name = 'EventStoreSchema1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE streams (
        stream_id   text PRIMARY KEY,
        stream_type text NOT NULL,
        version     bigint NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    // stream_type is copied onto each event so whole-log readers need no join.
    await db.query(`
      CREATE TABLE events (
        global_position bigint GENERATED ALWAYS AS IDENTITY,
        transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id       text NOT NULL,
        stream_type     text NOT NULL,
        stream_position bigint NOT NULL,
        event_id        uuid NOT NULL UNIQUE,
        type            text NOT NULL,
        schema_version  integer NOT NULL DEFAULT 1,
        data            jsonb NOT NULL,
        metadata        jsonb NOT NULL DEFAULT '{}',
        created_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (stream_id, stream_position)
      )`);
    await db.query(`CREATE INDEX events_log_order ON events (transaction_id, global_position)`);
    await db.query(`
      CREATE TABLE projection_checkpoints (
        name            text PRIMARY KEY,
        transaction_id  xid8 NOT NULL DEFAULT '0',
        global_position bigint NOT NULL DEFAULT 0,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    for (const sequence of Object.values(ID_SEQUENCES)) await db.query(`CREATE SEQUENCE ${sequence}`);

    await db.query(`
      CREATE FUNCTION agentry_refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'events are append-only: % on events is refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await db.query(`
      CREATE TRIGGER events_append_only
      BEFORE UPDATE OR DELETE OR TRUNCATE ON events
      FOR EACH STATEMENT EXECUTE FUNCTION agentry_refuse_event_change()`);

    await db.query(APPEND_FUNCTION_SQL);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION ${APPEND_FUNCTION}(text, text, bigint, uuid[], text[], integer[], jsonb[], jsonb[], boolean)`);
    await db.query(`DROP TABLE projection_checkpoints`);
    await db.query(`DROP TABLE events`);
    await db.query(`DROP FUNCTION agentry_refuse_event_change()`);
    await db.query(`DROP TABLE streams`);
    for (const sequence of Object.values(ID_SEQUENCES)) await db.query(`DROP SEQUENCE ${sequence}`);
  }
}

/**
 * Appends events (parallel arrays, one element per event) to a stream in one call.
 * p_expected_version: NULL = any, 0 = the stream must not exist, n > 0 = exact version.
 * outcome: 'appended'; 'duplicate' (every event id is already stored: answers that earlier
 * append's version and position); 'partial_duplicate' (only some are); 'conflict' (stream_version
 * is then the actual version). The version check is the streams row update itself, so concurrent
 * appends serialise on that row and exactly one of them matches an expected version.
 * p_notify: NOTIFY inside this transaction. A transaction that notifies takes a global lock until
 * its commit is flushed, serialising such commits, so standalone appends pass false and the
 * caller notifies separately (coalesced, asynchronous commit).
 * A plain (non-set-returning) plpgsql function with OUT parameters: measured twice as cheap per call as
 * a RETURNS TABLE one.
 */
const APPEND_FUNCTION_SQL = `
  CREATE FUNCTION ${APPEND_FUNCTION}(
    p_stream_id text, p_stream_type text, p_expected_version bigint,
    p_event_ids uuid[], p_types text[], p_schema_versions integer[], p_data jsonb[], p_metadata jsonb[], p_notify boolean,
    OUT outcome text, OUT stream_version bigint, OUT last_transaction_id xid8, OUT last_global_position bigint)
  LANGUAGE plpgsql
  -- Every statement is a key lookup: the generic plan is right, and re-planning per call cost ~20% of an append.
  SET plan_cache_mode = force_generic_plan
  AS $$
  #variable_conflict use_column
  DECLARE
    v_count integer := cardinality(p_event_ids);
    v_known integer;
  BEGIN
    SELECT count(*) INTO v_known FROM events WHERE event_id = ANY (p_event_ids);
    IF v_known = v_count THEN
      outcome := 'duplicate';
      SELECT e.stream_position, e.transaction_id, e.global_position
        INTO stream_version, last_transaction_id, last_global_position
        FROM events e WHERE e.event_id = ANY (p_event_ids)
        ORDER BY e.global_position DESC LIMIT 1;
      RETURN;
    ELSIF v_known > 0 THEN
      outcome := 'partial_duplicate';
      RETURN;
    END IF;

    IF p_expected_version IS NULL THEN
      INSERT INTO streams AS s (stream_id, stream_type, version) VALUES (p_stream_id, p_stream_type, v_count)
      ON CONFLICT (stream_id) DO UPDATE SET version = s.version + v_count, updated_at = now()
      RETURNING s.version INTO stream_version;
    ELSIF p_expected_version = 0 THEN
      INSERT INTO streams (stream_id, stream_type, version) VALUES (p_stream_id, p_stream_type, v_count)
      ON CONFLICT (stream_id) DO NOTHING
      RETURNING version INTO stream_version;
    ELSE
      UPDATE streams SET version = version + v_count, updated_at = now()
      WHERE stream_id = p_stream_id AND version = p_expected_version
      RETURNING version INTO stream_version;
    END IF;

    IF stream_version IS NULL THEN
      outcome := 'conflict';
      SELECT s.version INTO stream_version FROM streams s WHERE s.stream_id = p_stream_id;
      stream_version := coalesce(stream_version, 0);
      RETURN;
    END IF;

    WITH inserted AS (
      INSERT INTO events (stream_id, stream_type, stream_position, event_id, type, schema_version, data, metadata)
      SELECT p_stream_id, p_stream_type, stream_version - v_count + e.n, e.event_id, e.type, e.schema_version, e.data, e.metadata
      FROM unnest(p_event_ids, p_types, p_schema_versions, p_data, p_metadata)
        WITH ORDINALITY AS e(event_id, type, schema_version, data, metadata, n)
      RETURNING global_position
    )
    SELECT max(i.global_position) INTO last_global_position FROM inserted i;
    last_transaction_id := pg_current_xact_id();
    outcome := 'appended';
    IF p_notify THEN
      PERFORM pg_notify('${EVENTS_CHANNEL}', '');
    END IF;
  END $$`;
