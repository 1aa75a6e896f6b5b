import type { DataSource, EntityManager } from 'typeorm';
import type { DeliveryChannel } from '@agentry/contracts';
import type { PostOutcome } from './http-post.js';

export interface DueDelivery {
  id: number;
  webhookId: string;
  orgId: number;
  url: string;
  body: string;
  attempts: number;
  /** Absent means `webhook` (the agent's notifications.webhook, signed with the org secret). */
  channel?: DeliveryChannel;
  /** For `endpoint`: which one, and the secret generations that sign (the previous one during its grace). */
  endpointId?: string | null;
  secretGeneration?: number | null;
  previousSecretValidUntil?: number | null;
}

export interface NewDelivery {
  webhookId: string;
  eventId: string;
  orgId: number;
  agentId: number | null;
  containerId: number | null;
  /** For `webhook` / `endpoint` / `slack` the URL; for `mail` a `mailto:` of the recipients. */
  url: string;
  body: string;
  channel?: DeliveryChannel;
  endpointId?: string | null;
  eventType?: string;
}

/** How an attempt went: delivered, worth retrying, or never to be retried (refused destination, channel not available). */
export type AttemptVerdict = 'delivered' | 'retry' | 'refused' | 'unavailable';

/** An org endpoint the attempt just disabled, for the org to be told in the same transaction. */
export interface DisabledEndpoint {
  orgId: number;
  endpointId: string;
  url: string;
  failingSince: number;
  disabledAt: number;
}

export interface WebhookDeliveriesOptions {
  /** An endpoint failing without a break for this long is disabled (default 5 days). */
  endpointDisableAfterMs?: number;
  onEndpointDisabled?: (m: EntityManager, disabled: DisabledEndpoint) => Promise<void>;
}

export interface RetryPolicy {
  maxAttempts: number;
  retryBaseMs: number;
  maxRetryDelayMs: number;
}

/** Wait after the n-th failed attempt: base, 2×base, 4×base … capped. */
export const retryDelayMs = (failedAttempts: number, p: RetryPolicy): number =>
  Math.min(p.retryBaseMs * 2 ** Math.max(0, failedAttempts - 1), p.maxRetryDelayMs);

/** The notifier's delivery outbox and log (webhook_deliveries, webhook_delivery_attempts). */
export class WebhookDeliveries {
  constructor(
    private readonly db: DataSource,
    private readonly options: WebhookDeliveriesOptions = {},
  ) {}

  /** Idempotent: the same (event, endpoint) is one delivery however often its event comes back. */
  async enqueue(d: NewDelivery, now: number, m: { query: EntityManager['query'] } = this.db): Promise<void> {
    await m.query(
      `INSERT INTO webhook_deliveries (webhook_id, event_id, org_id, agent_id, container_id, url, body, next_attempt_at, created_at, channel, endpoint_id, event_type)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11) ON CONFLICT (webhook_id) DO NOTHING`,
      [
        d.webhookId,
        d.eventId,
        d.orgId,
        d.agentId,
        d.containerId,
        d.url,
        d.body,
        now,
        d.channel ?? 'webhook',
        d.endpointId ?? null,
        d.eventType ?? 'container.ended',
      ],
    );
  }

  /**
   * Takes up to `limit` due deliveries for `leaseMs` in one statement (SKIP LOCKED: replicas never take the
   * same one). A replica that dies mid-attempt leaves its claim to expire, and the delivery is tried again.
   */
  async claimDue(now: number, leaseMs: number, limit: number): Promise<DueDelivery[]> {
    const rows: {
      id: string;
      webhook_id: string;
      org_id: number;
      url: string;
      body: string;
      attempts: number;
      channel: DeliveryChannel;
      endpoint_id: string | null;
      secret_generation: number | null;
      previous_secret_valid_until: string | null;
    }[] = await this.db.query(
      // In a CTE: TypeORM answers a bare UPDATE … RETURNING as [rows, count]. A disabled endpoint's
      // deliveries wait (not claimed) until it is enabled again; a deleted one's were closed with it.
      `WITH claimed AS (
         UPDATE webhook_deliveries SET claimed_until = $1 + $2
          WHERE id IN (SELECT d.id FROM webhook_deliveries d
                        WHERE d.state = 'pending' AND d.next_attempt_at <= $1 AND d.claimed_until <= $1
                          AND (d.endpoint_id IS NULL OR EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id AND e.enabled))
                        ORDER BY d.next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
          RETURNING id, webhook_id, org_id, url, body, attempts, channel, endpoint_id)
       SELECT c.*, e.secret_generation, e.previous_secret_valid_until::text FROM claimed c LEFT JOIN webhook_endpoints e ON e.id = c.endpoint_id`,
      [now, leaseMs, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      webhookId: r.webhook_id,
      orgId: r.org_id,
      url: r.url,
      body: r.body,
      attempts: r.attempts,
      channel: r.channel,
      endpointId: r.endpoint_id,
      secretGeneration: r.secret_generation,
      previousSecretValidUntil: r.previous_secret_valid_until === null ? null : Number(r.previous_secret_valid_until),
    }));
  }

  /**
   * Logs the attempt and moves the delivery on in one transaction: delivered on a 2xx (never claimed again),
   * refused for a destination the policy forbids, failed after the last attempt, else due again after back-off.
   */
  async recordAttempt(d: DueDelivery, at: number, outcome: PostOutcome, verdict: AttemptVerdict, policy: RetryPolicy): Promise<void> {
    const attempt = d.attempts + 1;
    const state = verdict === 'retry' ? (attempt >= policy.maxAttempts ? 'failed' : 'pending') : verdict;
    const next = state === 'pending' ? at + retryDelayMs(attempt, policy) : at;
    await this.db.transaction(async (m) => {
      await m.query(
        `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, at, status_code, latency_ms, error, response_excerpt)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [d.id, attempt, at, outcome.statusCode, outcome.latencyMs, outcome.error, outcome.responseExcerpt],
      );
      await m.query(
        `UPDATE webhook_deliveries SET attempts = $2, state = $3, next_attempt_at = $4, claimed_until = 0,
                finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE $5::bigint END
          WHERE id = $1 AND state = 'pending'`,
        [d.id, attempt, state, next, at],
      );
      if (d.endpointId) await this.trackEndpointHealth(m, d.endpointId, verdict === 'delivered', at);
    });
  }

  /**
   * An org endpoint's run of failures: a success ends it; a failure starts it or, once it has lasted the
   * configured days, disables the endpoint (its deliveries then wait) and tells the org, in the
   * attempt's own transaction, so a crash can neither disable silently nor tell twice.
   */
  private async trackEndpointHealth(m: EntityManager, endpointId: string, succeeded: boolean, at: number): Promise<void> {
    if (succeeded) {
      await m.query(`UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`, [endpointId]);
      return;
    }
    const disableAfter = this.options.endpointDisableAfterMs ?? 5 * 86_400_000;
    // Two statements: one statement's CTEs may not update the same row twice.
    const [failing]: { failing_since: string }[] = await m.query(
      `WITH failing AS (UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $2) WHERE id = $1 RETURNING failing_since::text)
       SELECT * FROM failing`,
      [endpointId, at],
    );
    if (!failing || Number(failing.failing_since) > at - disableAfter) return;
    const disabled: { org_id: number; url: string }[] = await m.query(
      `WITH off AS (UPDATE webhook_endpoints SET enabled = false, disabled_reason = 'failing', updated_at = $2 WHERE id = $1 AND enabled RETURNING org_id, url)
       SELECT * FROM off`,
      [endpointId, at],
    );
    const [off] = disabled;
    if (off && this.options.onEndpointDisabled) {
      await this.options.onEndpointDisabled(m, { orgId: off.org_id, endpointId, url: off.url, failingSince: Number(failing.failing_since), disabledAt: at });
    }
  }
}
