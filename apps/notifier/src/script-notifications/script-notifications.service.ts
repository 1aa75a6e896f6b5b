import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  DomainError,
  ErrorCode,
  forbidden,
  notFound,
  validationFailed,
  type FieldError,
  type RequestEnvelope,
  type SendScriptNotificationParams,
  type SendScriptNotificationResult,
} from '@agentry/contracts';
import type { WebhookEndpoints } from '../endpoints/webhook-endpoints.js';
import { orgMailRecipients } from '../mail/org-users.projection.js';
import { blankControlCharacters } from '../notifications/blank-control-characters.js';
import { webhookIdOf } from '../webhooks/signing.js';
import type { NewDelivery, WebhookDeliveries } from '../webhooks/webhook-deliveries.js';

export const MAX_SCRIPT_TEXT = 10_000;
export const MAX_SCRIPT_SUBJECT = 200;
const HOUR_MS = 3_600_000;

export interface ScriptNotificationsDeps {
  db: DataSource;
  deliveries: WebhookDeliveries;
  endpoints: WebhookEndpoints;
  perHour: number;
  now?: () => number;
}

/**
 * A running script's `mail()` / `notify()`, sent through the same outbox as the run notifications (so the
 * same destination rules, retries and log), each call counted against the org's hourly limit. The
 * limit is checked and the rows written under a per-org transaction lock, so replicas answering at
 * once cannot both take the last slot.
 */
export class ScriptNotificationsService {
  private readonly now: () => number;
  constructor(private readonly deps: ScriptNotificationsDeps) {
    this.now = deps.now ?? Date.now;
  }

  async send({ actor, params }: RequestEnvelope<SendScriptNotificationParams>): Promise<SendScriptNotificationResult> {
    if (!actor) throw forbidden('a script notification is sent for an org');
    const p = params ?? ({} as SendScriptNotificationParams);
    const problems: FieldError[] = [];
    if (p.kind !== 'mail' && p.kind !== 'notify') problems.push({ field: 'kind', message: 'must be mail or notify' });
    if (typeof p.text !== 'string' || p.text.length === 0 || p.text.length > MAX_SCRIPT_TEXT)
      problems.push({ field: 'text', message: `must be a text of 1 to ${MAX_SCRIPT_TEXT} characters` });
    if (p.kind === 'mail' && (typeof p.subject !== 'string' || p.subject.length === 0 || p.subject.length > MAX_SCRIPT_SUBJECT)) {
      problems.push({ field: 'subject', message: `must be a text of 1 to ${MAX_SCRIPT_SUBJECT} characters` });
    }
    if (p.to !== undefined && p.to !== null && typeof p.to !== 'string') problems.push({ field: 'to', message: 'must be an email address' });
    if (problems.length) throw validationFailed(problems);

    const orgId = actor.orgId;
    const at = this.now();
    const [container]: { agent_id: number; slack: string | null }[] = await this.deps.db.query(
      `SELECT c.agent_id, v.notifications->>'slackWebHook' AS slack
         FROM notifier_containers c LEFT JOIN notifier_agent_versions v ON v.version_id = c.agent_version_id
        WHERE c.container_id = $1 AND c.org_id = $2`,
      [p.containerId, orgId],
    );
    if (!container) throw notFound('container');

    return this.deps.db.transaction(async (m) => {
      // One org's callers queue here; another org's never wait on it.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('notifier:script-notifications'), $1)`, [orgId]);
      await m.query(`DELETE FROM script_notification_calls WHERE org_id = $1 AND at <= $2`, [orgId, at - HOUR_MS]);
      const [{ n, oldest }]: { n: number; oldest: string | null }[] = await m.query(
        `SELECT count(*)::int AS n, min(at)::text AS oldest FROM script_notification_calls WHERE org_id = $1`,
        [orgId],
      );
      if (n >= this.deps.perHour) {
        const retryAfterSeconds = Math.max(1, Math.ceil((Number(oldest ?? at) + HOUR_MS - at) / 1000));
        throw new DomainError(
          ErrorCode.RATE_LIMITED,
          `at most ${this.deps.perHour} script mail / notify calls per hour for an org`,
          undefined,
          retryAfterSeconds,
        );
      }
      const eventId = randomUUID();
      await m.query(`INSERT INTO script_notification_calls (org_id, at, event_id) VALUES ($1, $2, $3)`, [orgId, at, eventId]);
      const rows =
        p.kind === 'mail' ? await this.mailRows(m, orgId, p, container.agent_id) : await this.notifyRows(m, orgId, p, container.agent_id, container.slack);
      const base = { eventId, orgId, agentId: container.agent_id, containerId: p.containerId };
      const enqueued: NewDelivery[] = rows.map((r) => ({ ...base, ...r, webhookId: webhookIdOf(eventId, `${r.channel}:${r.endpointId ?? r.url}`) }));
      for (const d of enqueued) await this.deps.deliveries.enqueue(d, at, m);
      return { deliveryIds: enqueued.map((d) => d.webhookId) };
    });
  }

  private async mailRows(
    m: EntityManager,
    orgId: number,
    p: SendScriptNotificationParams,
    agentId: number,
  ): Promise<Omit<NewDelivery, 'webhookId' | 'eventId' | 'orgId' | 'agentId' | 'containerId'>[]> {
    let to: string[];
    if (typeof p.to === 'string' && p.to.length > 0) {
      // A script may only mail the org's own people: anything else would make the platform an open relay.
      const [known]: unknown[] = await m.query(`SELECT 1 FROM notifier_org_users WHERE org_id = $1 AND lower(email) = lower($2)`, [orgId, p.to]);
      if (!known) throw validationFailed([{ field: 'to', message: "must be the address of one of the org's users" }]);
      to = [p.to];
    } else {
      to = await orgMailRecipients(m, orgId);
    }
    const mail = {
      to,
      subject: `[Agentry] ${blankControlCharacters(String(p.subject))}`,
      text: `${blankControlCharacters(String(p.text), true)}\n\n(sent by a script of agent ${agentId})\n`,
    };
    return [{ url: `mailto:${to.join(',')}`, body: JSON.stringify(mail), channel: 'mail', eventType: 'script.mail' }];
  }

  private async notifyRows(m: EntityManager, orgId: number, p: SendScriptNotificationParams, agentId: number, slack: string | null) {
    const text = blankControlCharacters(String(p.text), true);
    const rows: Omit<NewDelivery, 'webhookId' | 'eventId' | 'orgId' | 'agentId' | 'containerId'>[] = [];
    if (slack) rows.push({ url: slack, body: JSON.stringify({ text }), channel: 'slack', eventType: 'script.notification' });
    const body = JSON.stringify({
      type: 'script.notification',
      timestamp: new Date(this.now()).toISOString(),
      data: { agentId: String(agentId), containerId: String(p.containerId), message: text },
    });
    for (const e of await this.deps.endpoints.subscribedTo(m, orgId, 'script.notification')) {
      rows.push({ url: e.url, body, channel: 'endpoint', endpointId: e.id, eventType: 'script.notification' });
    }
    return rows;
  }
}
