import type { EntityManager } from 'typeorm';
import { EventStore } from '@agentry/event-store';
import { WEBHOOK_ENDPOINT_STREAM, WebhookEndpointEventType, type WebhookEndpointDisabledData } from '@agentry/contracts';
import { orgMailRecipients } from '../mail/org-users.projection.js';
import type { DisabledEndpoint, WebhookDeliveries } from '../webhooks/webhook-deliveries.js';
import { webhookIdOf } from '../webhooks/signing.js';

/**
 * How the org is told that one of its endpoints was disabled for failing: a `WebhookEndpointDisabled`
 * event in the log (stream `webhook-endpoint-<id>`, published on EVENTS like every event) and, when
 * the operator configured mail, a mail to the org's admins. Runs inside the attempt's transaction.
 */
export function tellOrgEndpointDisabled(eventStore: EventStore, deliveries: WebhookDeliveries, mailConfigured: boolean) {
  return async (m: EntityManager, d: DisabledEndpoint): Promise<void> => {
    const data: WebhookEndpointDisabledData = { orgId: d.orgId, endpointId: d.endpointId, failingSince: d.failingSince, disabledAt: d.disabledAt };
    const eventId = crypto.randomUUID();
    await eventStore.append(
      `${WEBHOOK_ENDPOINT_STREAM}-${d.endpointId}`,
      WEBHOOK_ENDPOINT_STREAM,
      [{ eventId, type: WebhookEndpointEventType.WebhookEndpointDisabled, data }],
      {
        expectedVersion: 'any',
        manager: m,
      },
    );
    if (!mailConfigured) return;
    const to = await orgMailRecipients(m, d.orgId);
    const days = Math.round((d.disabledAt - d.failingSince) / 86_400_000);
    const mail = {
      to,
      subject: `[Agentry] Webhook endpoint ${d.endpointId} disabled after ${days} days of failures`,
      text:
        `Every delivery to your webhook endpoint ${d.endpointId} has failed since ${new Date(d.failingSince).toISOString()}, ` +
        `so Agentry stopped sending to it. Its deliveries are kept: enable it again (PATCH /api/agentry/v1/webhooks/endpoints/${d.endpointId} ` +
        `with {"enabled": true}) and they resume; the delivery log shows what the endpoint answered.\n`,
    };
    await deliveries.enqueue(
      {
        webhookId: webhookIdOf(eventId, 'mail'),
        eventId,
        orgId: d.orgId,
        agentId: null,
        containerId: null,
        url: `mailto:${to.join(',')}`,
        body: JSON.stringify(mail),
        channel: 'mail',
        eventType: 'endpoint.disabled',
      },
      d.disabledAt,
      m,
    );
  };
}
