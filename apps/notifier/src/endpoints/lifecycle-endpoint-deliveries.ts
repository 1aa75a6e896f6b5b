import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { NatsDurables, type WebhookEventType } from '@agentry/contracts';
import { LIFECYCLE_EVENT_TYPES, subscribe, type LifecycleEvent, type Subscription } from '@agentry/subscriber';
import { ensureLifecycleStream } from '../public-events/index.js';
import { webhookIdOf } from '../webhooks/signing.js';
import type { WebhookDeliveries } from '../webhooks/webhook-deliveries.js';
import type { WebhookEndpoints } from './webhook-endpoints.js';

export interface LifecycleEndpointDeliveriesDeps {
  nc: NatsConnection;
  dataSource: DataSource;
  deliveries: WebhookDeliveries;
  endpoints: WebhookEndpoints;
  onEnqueued?: () => void;
  /** NATS_STREAM_REPLICAS, for LIFECYCLE when this replica is the first to need it. */
  streamReplicas?: number;
}

/**
 * The public lifecycle events (LIFECYCLE, read with @agentry/subscriber like any subscriber would) → one
 * delivery per enabled org endpoint subscribed to the event's type. `container.ended` is not taken from
 * here: endpoints get it with the end-of-run payload (container-ended-webhooks.ts), like the agent's
 * webhook. The webhook id derives from the public event id and the endpoint, so a redelivered event
 * enqueues nothing twice.
 */
export async function startLifecycleEndpointDeliveries(deps: LifecycleEndpointDeliveriesDeps): Promise<Subscription> {
  // The public-events publisher creates LIFECYCLE too, but may start after this consumer.
  await ensureLifecycleStream(deps.nc, { replicas: deps.streamReplicas });
  return subscribe({
    nc: deps.nc,
    durable: NatsDurables.notifierEndpoints,
    types: LIFECYCLE_EVENT_TYPES.filter((t) => t !== 'container.ended'),
    // A first deployment does not send the past to endpoints.
    startAt: 'new',
    handler: async (event: LifecycleEvent) => {
      const orgId = Number(event.orgId);
      const endpoints = await deps.endpoints.subscribedTo(deps.dataSource, orgId, event.type as WebhookEventType);
      if (endpoints.length === 0) return;
      const body = JSON.stringify({ type: event.type, timestamp: new Date(event.occurredAt).toISOString(), data: event });
      const agentId = Number(event.agentId);
      const containerId = 'containerId' in event.data ? Number(event.data.containerId) : null;
      for (const e of endpoints) {
        await deps.deliveries.enqueue(
          {
            webhookId: webhookIdOf(event.id, `endpoint:${e.id}`),
            eventId: toUuid(event.id),
            orgId,
            agentId: Number.isSafeInteger(agentId) ? agentId : null,
            containerId: containerId !== null && Number.isSafeInteger(containerId) ? containerId : null,
            url: e.url,
            body,
            channel: 'endpoint',
            endpointId: e.id,
            eventType: event.type,
          },
          Date.now(),
        );
      }
      deps.onEnqueued?.();
    },
  });
}

/** The outbox's event_id column is a uuid; public ids are their own strings: a stable uuid-shaped hash of them. */
function toUuid(id: string): string {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return id;
  const hex = webhookIdOf(id, 'event-id').slice(4);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
