import type { LoggerService } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { EventStore, type ProjectionRunner } from '@agentry/event-store';
import type { NotifierConfig } from '../config.js';
import { DeliveriesService } from '../deliveries/deliveries.service.js';
import { DeliveryLog } from '../deliveries/delivery-log.js';
import { tellOrgEndpointDisabled } from '../endpoints/endpoint-disabled.js';
import { NotifierEndpoints1765100000200 } from '../endpoints/endpoints.migration.js';
import { EndpointsService } from '../endpoints/endpoints.service.js';
import { startLifecycleEndpointDeliveries } from '../endpoints/lifecycle-endpoint-deliveries.js';
import { WebhookEndpoints } from '../endpoints/webhook-endpoints.js';
import { smtpMailer } from '../mail/mailer.js';
import { orgUsersProjection } from '../mail/org-users.projection.js';
import { startNotifierRpc } from '../rpc/notifier-rpc.js';
import { NotifierScriptNotifications1765100000300 } from '../script-notifications/script-notifications.migration.js';
import { ScriptNotificationsService } from '../script-notifications/script-notifications.service.js';
import { startContainerEndedWebhooks } from '../webhooks/container-ended-webhooks.js';
import { startDeliveryWorker } from '../webhooks/delivery-worker.js';
import { WebhookDeliveries } from '../webhooks/webhook-deliveries.js';

/** Tables beyond the first notifier migration: org endpoints, the widened outbox, org users, script calls. */
export const notificationsMigrations = [NotifierEndpoints1765100000200, NotifierScriptNotifications1765100000300];
/** Read models beyond notifier:notifications: who of an org receives mail. */
export const notificationsProjections = [orgUsersProjection];

export interface NotificationsDeps {
  config: NotifierConfig;
  nc: NatsConnection;
  dataSource: DataSource;
  projections: ProjectionRunner;
  /** The service's logger, for the Nest app answering notifier.> (see startNotifierRpc). */
  logger: LoggerService;
}

/**
 * Everything that turns a run's end into notifications, and the org's API over it: the ContainerEnded
 * consumer (agent webhook, org endpoints, Slack, mail → outbox rows), the public lifecycle events → org
 * endpoints subscribed to them, the delivery worker, and the
 * notifier.> request handlers (endpoints, delivery log). Stops in reverse.
 */
export async function startNotifications(deps: NotificationsDeps): Promise<{ stop(): Promise<void> }> {
  const { config, dataSource } = deps;
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    const mailer = config.mail ? smtpMailer(config.mail) : null;
    if (mailer) stops.push(() => mailer.close());
    const endpoints = new WebhookEndpoints(dataSource);
    const deliveries: WebhookDeliveries = new WebhookDeliveries(dataSource, {
      endpointDisableAfterMs: config.endpointDisableAfterMs,
      onEndpointDisabled: (m, d) => tellOrgEndpointDisabled(new EventStore(dataSource), deliveries, mailer !== null)(m, d),
    });
    const worker = startDeliveryWorker({ deliveries, secretKey: config.secretKey, config: config.webhooks, mailer });
    stops.push(() => worker.stop());
    const ended = await startContainerEndedWebhooks({ nc: deps.nc, dataSource, projections: deps.projections, deliveries, endpoints, onEnqueued: () => worker.nudge() });
    stops.push(() => ended.stop());
    const lifecycle = await startLifecycleEndpointDeliveries({
      nc: deps.nc,
      dataSource,
      deliveries,
      endpoints,
      onEnqueued: () => worker.nudge(),
      streamReplicas: config.natsStreamReplicas,
    });
    stops.push(() => lifecycle.stop());
    const rpc = await startNotifierRpc({
      natsUrl: config.natsUrl,
      endpoints: new EndpointsService({ endpoints, secretKey: config.secretKey, privateDestinations: config.webhooks.privateDestinations }),
      deliveries: new DeliveriesService(new DeliveryLog(dataSource), endpoints),
      scriptNotifications: new ScriptNotificationsService({ db: dataSource, deliveries, endpoints, perHour: config.scriptNotificationsPerHour }),
      logger: deps.logger,
    });
    stops.push(() => rpc.close());
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
