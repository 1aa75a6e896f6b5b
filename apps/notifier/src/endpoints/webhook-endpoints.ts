import type { DataSource, EntityManager } from 'typeorm';
import type { WebhookEndpointView, WebhookEventType } from '@agentry/contracts';

interface EndpointRow {
  id: string;
  org_id: number;
  url: string;
  description: string;
  event_types: WebhookEventType[];
  enabled: boolean;
  disabled_reason: 'failing' | 'manual' | null;
  secret_generation: number;
  previous_secret_valid_until: string | null;
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

export interface StoredEndpoint extends WebhookEndpointView {
  orgId: number;
  secretGeneration: number;
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));
const toEndpoint = (r: EndpointRow): StoredEndpoint => ({
  id: r.id,
  orgId: r.org_id,
  url: r.url,
  description: r.description,
  eventTypes: r.event_types,
  enabled: r.enabled,
  disabledReason: r.disabled_reason,
  failingSince: num(r.failing_since),
  previousSecretValidUntil: num(r.previous_secret_valid_until),
  secretGeneration: r.secret_generation,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export const endpointView = ({ orgId: _org, secretGeneration: _gen, ...view }: StoredEndpoint): WebhookEndpointView => view;

export interface EndpointChanges {
  url?: string;
  description?: string;
  eventTypes?: WebhookEventType[];
  enabled?: boolean;
}

/**
 * The org endpoints table. Every read and write names the org: an id of another org's endpoint finds
 * nothing, which the use cases answer as not found.
 */
export class WebhookEndpoints {
  constructor(private readonly db: DataSource) {}

  async countOf(orgId: number): Promise<number> {
    const [row]: { n: number }[] = await this.db.query(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE org_id = $1`, [orgId]);
    return row!.n;
  }

  async create(
    e: { id: string; orgId: number; url: string; description: string; eventTypes: WebhookEventType[]; enabled: boolean },
    now: number,
  ): Promise<StoredEndpoint> {
    const [row]: EndpointRow[] = await this.db.query(
      `INSERT INTO webhook_endpoints (id, org_id, url, description, event_types, enabled, disabled_reason, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::boolean, CASE WHEN $6::boolean THEN NULL ELSE 'manual' END, $7, $7) RETURNING *`,
      [e.id, e.orgId, e.url, e.description, e.eventTypes, e.enabled, now],
    );
    return toEndpoint(row!);
  }

  async list(orgId: number): Promise<StoredEndpoint[]> {
    const rows: EndpointRow[] = await this.db.query(`SELECT * FROM webhook_endpoints WHERE org_id = $1 ORDER BY created_at, id`, [orgId]);
    return rows.map(toEndpoint);
  }

  async find(orgId: number, id: string): Promise<StoredEndpoint | null> {
    const [row]: EndpointRow[] = await this.db.query(`SELECT * FROM webhook_endpoints WHERE org_id = $1 AND id = $2`, [orgId, id]);
    return row ? toEndpoint(row) : null;
  }

  /**
   * Applies the given changes. Enabling clears the failure run (a fresh start: it is disabled again only
   * after the configured days of new failures); disabling by hand records the reason `manual`.
   */
  async update(orgId: number, id: string, c: EndpointChanges, now: number): Promise<StoredEndpoint | null> {
    const rows: EndpointRow[] = await this.db.query(
      `WITH changed AS (
         UPDATE webhook_endpoints SET
           url = COALESCE($3::text, url),
           description = COALESCE($4::text, description),
           event_types = COALESCE($5::text[], event_types),
           enabled = COALESCE($6::boolean, enabled),
           disabled_reason = CASE WHEN $6::boolean IS NULL THEN disabled_reason WHEN $6::boolean THEN NULL ELSE 'manual' END,
           failing_since = CASE WHEN $6::boolean IS TRUE THEN NULL ELSE failing_since END,
           updated_at = $7::bigint
         WHERE org_id = $1 AND id = $2 RETURNING *)
       SELECT * FROM changed`,
      [orgId, id, c.url ?? null, c.description ?? null, c.eventTypes ?? null, c.enabled ?? null, now],
    );
    return rows[0] ? toEndpoint(rows[0]) : null;
  }

  /**
   * Deletes the endpoint; its deliveries still waiting are closed as refused in the same transaction
   * (their destination is gone), and its log stays listable by agent.
   */
  async delete(orgId: number, id: string, now: number): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const deleted: { id: string }[] = await m.query(
        `WITH gone AS (DELETE FROM webhook_endpoints WHERE org_id = $1 AND id = $2 RETURNING id) SELECT id FROM gone`,
        [orgId, id],
      );
      if (deleted.length === 0) return false;
      await m.query(`UPDATE webhook_deliveries SET state = 'refused', finished_at = $2 WHERE endpoint_id = $1 AND state = 'pending'`, [id, now]);
      return true;
    });
  }

  /** Next secret generation; the one before keeps signing beside it until `graceUntil`. */
  async rotate(orgId: number, id: string, graceUntil: number, now: number): Promise<StoredEndpoint | null> {
    const rows: EndpointRow[] = await this.db.query(
      `WITH rotated AS (
         UPDATE webhook_endpoints SET secret_generation = secret_generation + 1, previous_secret_valid_until = $3, updated_at = $4
          WHERE org_id = $1 AND id = $2 RETURNING *)
       SELECT * FROM rotated`,
      [orgId, id, graceUntil, now],
    );
    return rows[0] ? toEndpoint(rows[0]) : null;
  }

  /** The org's enabled endpoints that subscribed to the type. */
  async subscribedTo(m: { query: EntityManager['query'] }, orgId: number, type: WebhookEventType): Promise<{ id: string; url: string }[]> {
    return m.query(`SELECT id, url FROM webhook_endpoints WHERE org_id = $1 AND enabled AND $2 = ANY(event_types) ORDER BY id`, [orgId, type]);
  }
}
