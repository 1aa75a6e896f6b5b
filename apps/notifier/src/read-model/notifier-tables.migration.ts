import type { MigrationInterface, QueryRunner } from 'typeorm';

export class NotifierTables1765100000100 implements MigrationInterface {
  name = 'NotifierTables1765100000100';

  async up(q: QueryRunner): Promise<void> {
    // Read model (rebuildable from the log): what each agent version asked to be notified of, and
    // what the end-of-run payload needs about each container.
    await q.query(`
      CREATE TABLE notifier_agent_versions (
        version_id text PRIMARY KEY,
        agent_id integer NOT NULL,
        agent_name text NOT NULL,
        notifications jsonb
      )`);
    await q.query(`
      CREATE TABLE notifier_containers (
        container_id integer PRIMARY KEY,
        agent_id integer NOT NULL,
        org_id integer NOT NULL,
        agent_version_id text,
        launch_type text NOT NULL,
        queued_at bigint NOT NULL,
        started_at bigint,
        result_object text
      )`);
    // The notifier's own state (not a projection): one row per (event, endpoint), the outbox of deliveries.
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id bigserial PRIMARY KEY,
        webhook_id text NOT NULL UNIQUE,
        event_id uuid NOT NULL,
        org_id integer NOT NULL,
        agent_id integer NOT NULL,
        container_id integer NOT NULL,
        url text NOT NULL,
        body text NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'refused')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at bigint NOT NULL,
        claimed_until bigint NOT NULL DEFAULT 0,
        created_at bigint NOT NULL,
        finished_at bigint
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending'`);
    await q.query(`
      CREATE TABLE webhook_delivery_attempts (
        delivery_id bigint NOT NULL REFERENCES webhook_deliveries(id),
        attempt integer NOT NULL,
        at bigint NOT NULL,
        status_code integer,
        latency_ms integer NOT NULL,
        error text,
        response_excerpt text,
        PRIMARY KEY (delivery_id, attempt)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_delivery_attempts, webhook_deliveries, notifier_containers, notifier_agent_versions`);
  }
}
