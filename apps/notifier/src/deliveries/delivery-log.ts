import type { DataSource } from 'typeorm';
import type { DeliveryAttemptView, DeliveryChannel, DeliveryState, DeliveryView } from '@agentry/contracts';

interface DeliveryRow {
  id: string;
  webhook_id: string;
  channel: DeliveryChannel;
  endpoint_id: string | null;
  event_type: string;
  agent_id: number | null;
  container_id: number | null;
  state: DeliveryState;
  next_attempt_at: string;
  created_at: string;
}
interface AttemptRow {
  delivery_id: string;
  attempt: number;
  at: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  response_excerpt: string | null;
}

/** Read side of the outbox for the org: its deliveries with their attempts, and redelivery. Every query names the org. */
export class DeliveryLog {
  constructor(private readonly db: DataSource) {}

  async list(orgId: number, filter: { endpointId?: string; agentId?: number }, limit: number): Promise<DeliveryView[]> {
    const rows: DeliveryRow[] = await this.db.query(
      `SELECT id, webhook_id, channel, endpoint_id, event_type, agent_id, container_id, state, next_attempt_at::text, created_at::text
         FROM webhook_deliveries
        WHERE org_id = $1 AND ($2::text IS NULL OR endpoint_id = $2) AND ($3::int IS NULL OR agent_id = $3)
        ORDER BY id DESC LIMIT $4`,
      [orgId, filter.endpointId ?? null, filter.agentId ?? null, limit],
    );
    return this.withAttempts(rows);
  }

  async find(orgId: number, webhookId: string): Promise<DeliveryView | null> {
    const rows: DeliveryRow[] = await this.db.query(
      `SELECT id, webhook_id, channel, endpoint_id, event_type, agent_id, container_id, state, next_attempt_at::text, created_at::text
         FROM webhook_deliveries WHERE org_id = $1 AND webhook_id = $2`,
      [orgId, webhookId],
    );
    return (await this.withAttempts(rows))[0] ?? null;
  }

  /**
   * One more attempt, due now, under the same webhook id (a receiver deduplicating on it sees the same
   * delivery again). A delivery already waiting is just made due; one being attempted right now
   * (claimed) is left to that attempt. Answers false when the org has no such delivery.
   */
  async redeliver(orgId: number, webhookId: string, now: number): Promise<boolean> {
    const rows: { id: string }[] = await this.db.query(
      `WITH again AS (
         UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $3, finished_at = NULL
          WHERE org_id = $1 AND webhook_id = $2 AND (state <> 'pending' OR claimed_until <= $3) RETURNING id)
       SELECT id FROM again`,
      [orgId, webhookId, now],
    );
    if (rows.length) return true;
    const [exists]: unknown[] = await this.db.query(`SELECT 1 FROM webhook_deliveries WHERE org_id = $1 AND webhook_id = $2`, [orgId, webhookId]);
    return exists !== undefined;
  }

  private async withAttempts(rows: DeliveryRow[]): Promise<DeliveryView[]> {
    if (rows.length === 0) return [];
    const attempts: AttemptRow[] = await this.db.query(
      `SELECT delivery_id::text, attempt, at::text, status_code, latency_ms, error, response_excerpt
         FROM webhook_delivery_attempts WHERE delivery_id = ANY($1::bigint[]) ORDER BY delivery_id, attempt`,
      [rows.map((r) => r.id)],
    );
    const byDelivery = new Map<string, DeliveryAttemptView[]>();
    for (const a of attempts) {
      const list = byDelivery.get(a.delivery_id) ?? [];
      list.push({
        attempt: a.attempt,
        at: Number(a.at),
        statusCode: a.status_code,
        latencyMs: a.latency_ms,
        error: a.error,
        responseExcerpt: a.response_excerpt,
      });
      byDelivery.set(a.delivery_id, list);
    }
    return rows.map((r) => ({
      id: r.webhook_id,
      channel: r.channel,
      endpointId: r.endpoint_id,
      eventType: r.event_type,
      agentId: r.agent_id,
      containerId: r.container_id,
      state: r.state,
      attempts: byDelivery.get(r.id) ?? [],
      nextAttemptAt: r.state === 'pending' ? Number(r.next_attempt_at) : null,
      createdAt: Number(r.created_at),
    }));
  }
}
