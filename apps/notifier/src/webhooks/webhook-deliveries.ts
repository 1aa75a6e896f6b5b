import type { DataSource } from 'typeorm';
import type { PostOutcome } from './http-post.js';

export interface DueDelivery {
  id: number;
  webhookId: string;
  orgId: number;
  url: string;
  body: string;
  attempts: number;
}

export interface NewDelivery {
  webhookId: string;
  eventId: string;
  orgId: number;
  agentId: number;
  containerId: number;
  url: string;
  body: string;
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
  constructor(private readonly db: DataSource) {}

  /** Idempotent: the same (event, endpoint) is one delivery however often its event comes back. */
  async enqueue(d: NewDelivery, now: number): Promise<void> {
    await this.db.query(
      `INSERT INTO webhook_deliveries (webhook_id, event_id, org_id, agent_id, container_id, url, body, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (webhook_id) DO NOTHING`,
      [d.webhookId, d.eventId, d.orgId, d.agentId, d.containerId, d.url, d.body, now],
    );
  }

  /**
   * Takes up to `limit` due deliveries for `leaseMs` in one statement (SKIP LOCKED: replicas never take the
   * same one). A replica that dies mid-attempt leaves its claim to expire, and the delivery is tried again.
   */
  async claimDue(now: number, leaseMs: number, limit: number): Promise<DueDelivery[]> {
    const rows: { id: string; webhook_id: string; org_id: number; url: string; body: string; attempts: number }[] = await this.db.query(
      // In a CTE: TypeORM answers a bare UPDATE … RETURNING as [rows, count].
      `WITH claimed AS (
         UPDATE webhook_deliveries SET claimed_until = $1 + $2
          WHERE id IN (SELECT id FROM webhook_deliveries
                        WHERE state = 'pending' AND next_attempt_at <= $1 AND claimed_until <= $1
                        ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
          RETURNING id, webhook_id, org_id, url, body, attempts)
       SELECT * FROM claimed`,
      [now, leaseMs, limit],
    );
    return rows.map((r) => ({ id: Number(r.id), webhookId: r.webhook_id, orgId: r.org_id, url: r.url, body: r.body, attempts: r.attempts }));
  }

  /**
   * Logs the attempt and moves the delivery on in one transaction: delivered on a 2xx (never claimed again),
   * refused for a destination the policy forbids, failed after the last attempt, else due again after back-off.
   */
  async recordAttempt(d: DueDelivery, at: number, outcome: PostOutcome, verdict: 'delivered' | 'retry' | 'refused', policy: RetryPolicy): Promise<void> {
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
    });
  }
}
