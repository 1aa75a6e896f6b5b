import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Org webhook endpoints, and the outbox widened from "the agent's webhook" to every channel the
 * notifier delivers on (org endpoints, Slack, mail), so they share its claim, retry and log.
 */
export class NotifierEndpoints1765100000200 implements MigrationInterface {
  name = 'NotifierEndpoints1765100000200';

  async up(q: QueryRunner): Promise<void> {
    // The notifier's own state, not a projection (README: why endpoints are not event-sourced).
    // No secret is stored: each endpoint's is derived from the master key, its id and secret_generation.
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id text PRIMARY KEY,
        org_id integer NOT NULL,
        url text NOT NULL,
        description text NOT NULL DEFAULT '',
        event_types text[] NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text CHECK (disabled_reason IN ('failing', 'manual')),
        secret_generation integer NOT NULL DEFAULT 1,
        previous_secret_valid_until bigint,
        failing_since bigint,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      )`);
    await q.query(`CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id)`);
    await q.query(`
      ALTER TABLE webhook_deliveries
        ADD COLUMN channel text NOT NULL DEFAULT 'webhook' CHECK (channel IN ('webhook', 'endpoint', 'slack', 'mail')),
        ADD COLUMN endpoint_id text,
        ADD COLUMN event_type text NOT NULL DEFAULT 'container.ended',
        ALTER COLUMN agent_id DROP NOT NULL,
        ALTER COLUMN container_id DROP NOT NULL,
        DROP CONSTRAINT webhook_deliveries_state_check,
        ADD CONSTRAINT webhook_deliveries_state_check CHECK (state IN ('pending', 'delivered', 'failed', 'refused', 'unavailable'))`);
    await q.query(`CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id DESC) WHERE endpoint_id IS NOT NULL`);
    await q.query(`CREATE INDEX webhook_deliveries_agent ON webhook_deliveries (org_id, agent_id, id DESC)`);
    // Read model (projection notifier:org-users): who of an org receives its mail.
    await q.query(`
      CREATE TABLE notifier_org_users (
        user_id integer PRIMARY KEY,
        org_id integer NOT NULL,
        email text,
        roles text[] NOT NULL
      )`);
    await q.query(`CREATE INDEX notifier_org_users_org ON notifier_org_users (org_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifier_org_users, webhook_endpoints`);
    await q.query(`DELETE FROM webhook_delivery_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE channel <> 'webhook')`);
    await q.query(`DELETE FROM webhook_deliveries WHERE channel <> 'webhook'`);
    await q.query(`
      ALTER TABLE webhook_deliveries DROP COLUMN channel, DROP COLUMN endpoint_id, DROP COLUMN event_type,
        DROP CONSTRAINT webhook_deliveries_state_check,
        ADD CONSTRAINT webhook_deliveries_state_check CHECK (state IN ('pending', 'delivered', 'failed', 'refused'))`);
  }
}
