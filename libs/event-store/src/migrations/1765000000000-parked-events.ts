import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events a consumer of the log (the relay, a durable consumer of EVENTS) gave up on, so the flow goes on past
 * them; one row per consumer and event until an operator replays (row removed on success) or drops it.
 */
export class ParkedEvents1765000000000 implements MigrationInterface {
  name = 'ParkedEvents1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE parked_events (
        id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        consumer            text NOT NULL,
        event_id            uuid NOT NULL,
        event_type          text NOT NULL,
        stream_id           text NOT NULL,
        global_position     bigint NOT NULL,
        reason              text NOT NULL,
        attempts            integer NOT NULL,
        parked_at           timestamptz NOT NULL DEFAULT now(),
        last_attempt_at     timestamptz NOT NULL DEFAULT now(),
        replay_requested_at timestamptz,
        UNIQUE (consumer, event_id)
      )`);
    await db.query(`CREATE INDEX parked_events_replays ON parked_events (consumer) WHERE replay_requested_at IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE parked_events`);
  }
}
