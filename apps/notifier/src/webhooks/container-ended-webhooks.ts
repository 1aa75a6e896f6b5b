import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { ContainerEventType, eventSubject, NatsDurables, StreamType, type AgentNotifications, type ContainerEndedData } from '@agentry/contracts';
import { consumeEvents, type EventConsumer } from '@agentry/messaging';
import { ParkedEvents, positionOf, type ProjectionRunner, type StoredEvent } from '@agentry/event-store';
import { endOfRunPayload } from './end-of-run-payload.js';
import { webhookIdOf } from './signing.js';
import type { WebhookDeliveries } from './webhook-deliveries.js';

export interface ContainerEndedWebhooksDeps {
  nc: NatsConnection;
  dataSource: DataSource;
  projections: ProjectionRunner;
  deliveries: WebhookDeliveries;
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
 * A container ended → one delivery row per endpoint the run's agent version names (today its
 * `notifications.webhook`, which hears every outcome, as PhantomBuster's does). Enqueued, not sent
 * here: the delivery worker sends, so a slow receiver never holds the event stream, and a redelivered
 * end enqueues nothing twice (the webhook id is the row's key).
 */
export async function startContainerEndedWebhooks(deps: ContainerEndedWebhooksDeps): Promise<EventConsumer> {
  const now = deps.now ?? Date.now;
  const onEnded = async (event: StoredEvent): Promise<void> => {
    const ended = event.data as ContainerEndedData;
    // The container's queue/start/result events and its version precede its end in the log.
    await deps.projections.waitFor(positionOf(event));
    const [row]: FactsRow[] = await deps.dataSource.query(
      `SELECT c.org_id, c.agent_version_id, c.launch_type, c.queued_at::text, c.started_at::text, c.result_object, v.agent_name, v.notifications
         FROM notifier_containers c LEFT JOIN notifier_agent_versions v ON v.version_id = c.agent_version_id
        WHERE c.container_id = $1`,
      [ended.containerId],
    );
    const url = row?.notifications?.webhook;
    if (!row || !url) return;
    const body = JSON.stringify(
      endOfRunPayload(ended, {
        agentName: row.agent_name ?? '',
        agentVersionId: row.agent_version_id,
        launchType: row.launch_type,
        queuedAt: Number(row.queued_at),
        startedAt: row.started_at === null ? null : Number(row.started_at),
        resultObject: row.result_object,
      }),
    );
    await deps.deliveries.enqueue(
      { webhookId: webhookIdOf(event.eventId, url), eventId: event.eventId, orgId: row.org_id, agentId: ended.agentId, containerId: ended.containerId, url, body },
      now(),
    );
  };
  return consumeEvents({
    nc: deps.nc,
    durable: NatsDurables.notifierWebhooks,
    filterSubjects: [eventSubject(StreamType.container, ContainerEventType.ContainerEnded)],
    // A first deployment does not notify the ends of the past.
    startAt: 'new',
    handle: onEnded,
    parking: new ParkedEvents(deps.dataSource),
  });
}
