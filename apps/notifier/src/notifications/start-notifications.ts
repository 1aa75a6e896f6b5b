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
import { smtpMailer, type Mailer } from '../mail/mailer.js';
import { orgUsersProjection } from '../mail/org-users.projection.js';
import { AgentSigningSecretService } from '../webhooks/agent-signing-secret.service.js';
import type { NotifierRpcServices } from '../rpc/notifier-rpc.js';
import { NotifierScriptNotifications1765100000300 } from '../script-notifications/script-notifications.migration.js';
import { ScriptNotificationsService } from '../script-notifications/script-notifications.service.js';
import { startContainerEndedWebhooks } from '../webhooks/container-ended-webhooks.js';
import { startDeliveryWorker } from '../webhooks/delivery-worker.js';
import { WebhookDeliveries } from '../webhooks/webhook-deliveries.js';

/** Tables beyond the first notifier migration: org endpoints, the widened outbox, org users, script calls. */
export const notificationsMigrations = [NotifierEndpoints1765100000200, NotifierScriptNotifications1765100000300];
/** Read models beyond notifier:notifications: who of an org receives mail. */
export const notificationsProjections = [orgUsersProjection];

/** What the notifier's handlers and workers share over its database: built once per replica. */
export interface NotificationParts {
  mailer: Mailer | null;
  endpoints: WebhookEndpoints;
  deliveries: WebhookDeliveries;
}

/** Builds the shared parts (nothing is started: the mailer connects on its first mail). */
export function notificationParts(config: NotifierConfig, dataSource: DataSource): NotificationParts {
  const mailer = config.mail ? smtpMailer(config.mail) : null;
  const endpoints = new WebhookEndpoints(dataSource);
  const deliveries: WebhookDeliveries = new WebhookDeliveries(dataSource, {
    endpointDisableAfterMs: config.endpointDisableAfterMs,
    onEndpointDisabled: (m, d) => tellOrgEndpointDisabled(new EventStore(dataSource), deliveries, mailer !== null)(m, d),
  });
  return { mailer, endpoints, deliveries };
}

/** The services behind the notifier.> handlers (endpoints, delivery log, script notifications). */
export function notifierRpcServices(config: NotifierConfig, dataSource: DataSource, parts: NotificationParts): NotifierRpcServices {
  const { endpoints, deliveries } = parts;
  return {
    endpoints: new EndpointsService({ endpoints, secretKey: config.secretKey, privateDestinations: config.webhooks.privateDestinations }),
    deliveries: new DeliveriesService(new DeliveryLog(dataSource), endpoints),
    scriptNotifications: new ScriptNotificationsService({ db: dataSource, deliveries, endpoints, perHour: config.scriptNotificationsPerHour }),
    agentSigningSecret: new AgentSigningSecretService(config.secretKey),
  };
}

export interface NotificationsDeps {
  config: NotifierConfig;
  nc: NatsConnection;
  dataSource: DataSource;
  projections: ProjectionRunner;
  parts: NotificationParts;
}

/**
 * Everything that turns a run's end into notifications: the ContainerEnded consumer (agent webhook,
 * org endpoints, Slack, mail → outbox rows), the public lifecycle events → org endpoints subscribed
 * to them, and the delivery worker. Stops in reverse. (The notifier.> handlers are the service's
 * Nest app: notifierRpcModule.)
 */
export async function startNotifications(deps: NotificationsDeps): Promise<{ stop(): Promise<void> }> {
  const { config, dataSource } = deps;
  const { mailer, endpoints, deliveries } = deps.parts;
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    if (mailer) stops.push(() => mailer.close());
    const worker = startDeliveryWorker({ deliveries, secretKey: config.secretKey, config: config.webhooks, mailer });
    stops.push(() => worker.stop());
    const ended = await startContainerEndedWebhooks({
      nc: deps.nc,
      dataSource,
      projections: deps.projections,
      deliveries,
      endpoints,
      onEnqueued: () => worker.nudge(),
    });
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
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
