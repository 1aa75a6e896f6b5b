import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { ContainerEventType, NatsDurables, StreamType, type AgentNotifications, type ContainerEvent } from '@agentry/contracts';
import { consumeEvents, type EventConsumer } from '@agentry/messaging';
import { ParkedEvents, positionOf, type ProjectionRunner, type StoredEventOfType } from '@agentry/event-store';
import { orgMailRecipients } from '../mail/org-users.projection.js';
import { runMail, slackMessage } from '../notifications/run-messages.js';
import { channelsFor, runOutcomeOf, runTriggerOf } from '../notifications/run-outcome.js';
import type { WebhookEndpoints } from '../endpoints/webhook-endpoints.js';
import { endOfRunPayload } from './end-of-run-payload.js';
import { webhookIdOf } from './signing.js';
import type { WebhookDeliveries } from './webhook-deliveries.js';

export interface ContainerEndedWebhooksDeps {
  nc: NatsConnection;
  dataSource: DataSource;
  projections: ProjectionRunner;
  deliveries: WebhookDeliveries;
  endpoints: WebhookEndpoints;
  /** Called once an end's deliveries are enqueued (the local worker looks at once). */
  onEnqueued?: () => void;
  now?: () => number;
}

interface FactsRow {
  org_id: number;
  agent_version_id: string | null;
  launch_type: string;
  queued_at: string;
  started_at: string | null;
  result_object: string | null;
  agent_name: string | null;
  notifications: AgentNotifications | null;
}

/**
 * A container ended → one delivery row per destination that asked to hear it: the agent version's
 * `notifications.webhook` (every outcome, as PhantomBuster's does), each enabled org endpoint
 * subscribed to `container.ended`, and the version's Slack / mail flags for exactly this outcome.
 * Enqueued, not sent here: the delivery worker sends, so a slow receiver never holds the event stream,
 * and a redelivered end enqueues nothing twice (each row's webhook id, derived from the event and the
 * destination, is its key).
 */
export async function startContainerEndedWebhooks(deps: ContainerEndedWebhooksDeps): Promise<EventConsumer> {
  const now = deps.now ?? Date.now;
  const onEnded = async (event: StoredEventOfType<ContainerEvent, typeof ContainerEventType.ContainerEnded>): Promise<void> => {
    const ended = event.data;
    // The container's queue/start/result events and its version precede its end in the log.
    await deps.projections.waitFor(positionOf(event));
    const [row]: FactsRow[] = await deps.dataSource.query(
      `SELECT c.org_id, c.agent_version_id, c.launch_type, c.queued_at::text, c.started_at::text, c.result_object, v.agent_name, v.notifications
         FROM notifier_containers c LEFT JOIN notifier_agent_versions v ON v.version_id = c.agent_version_id
        WHERE c.container_id = $1`,
      [ended.containerId],
    );
    if (!row) return;
    const payload = endOfRunPayload(ended, {
      agentName: row.agent_name ?? '',
      agentVersionId: row.agent_version_id,
      launchType: row.launch_type,
      queuedAt: Number(row.queued_at),
      startedAt: row.started_at === null ? null : Number(row.started_at),
      resultObject: row.result_object,
    });
    const at = now();
    const base = { eventId: event.eventId, orgId: row.org_id, agentId: ended.agentId, containerId: ended.containerId, eventType: 'container.ended' };
    const url = row.notifications?.webhook;
    if (url) await deps.deliveries.enqueue({ ...base, webhookId: webhookIdOf(event.eventId, url), url, body: JSON.stringify(payload) }, at);

    // Org endpoints get the Standard Webhooks envelope: the type says what `data` is.
    const endpoints = await deps.endpoints.subscribedTo(deps.dataSource, row.org_id, 'container.ended');
    if (endpoints.length) {
      const body = JSON.stringify({ type: 'container.ended', timestamp: new Date(ended.endedAt).toISOString(), data: payload });
      for (const e of endpoints) {
        await deps.deliveries.enqueue(
          { ...base, webhookId: webhookIdOf(event.eventId, `endpoint:${e.id}`), url: e.url, body, channel: 'endpoint', endpointId: e.id },
          at,
        );
      }
    }

    const trigger = runTriggerOf(row.launch_type);
    const outcome = runOutcomeOf(ended);
    const wanted = channelsFor(row.notifications, trigger, outcome);
    if (wanted.slack) {
      const slackUrl = row.notifications?.slackWebHook ?? '';
      await deps.deliveries.enqueue(
        { ...base, webhookId: webhookIdOf(event.eventId, `slack:${slackUrl}`), url: slackUrl, body: slackMessage(payload, trigger, outcome), channel: 'slack' },
        at,
      );
    }
    if (wanted.mail) {
      const to = await orgMailRecipients(deps.dataSource, row.org_id);
      const mail = runMail(to, payload, trigger, outcome);
      await deps.deliveries.enqueue(
        { ...base, webhookId: webhookIdOf(event.eventId, 'mail'), url: `mailto:${to.join(',')}`, body: JSON.stringify(mail), channel: 'mail' },
        at,
      );
    }
    deps.onEnqueued?.();
  };
  return consumeEvents<ContainerEvent>({
    nc: deps.nc,
    durable: NatsDurables.notifierWebhooks,
    streamType: StreamType.container,
    // A first deployment does not notify the ends of the past.
    startAt: 'new',
    handlers: { [ContainerEventType.ContainerEnded]: onEnded },
    parking: new ParkedEvents(deps.dataSource),
  });
}
