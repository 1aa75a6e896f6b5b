import type { DataSource } from 'typeorm';
import * as messaging from '@agentry/messaging';
import { bootService, defineService, projectionErrorLogger } from '@agentry/service-kit';
import type { NotifierConfig } from './config.js';
import { notificationsProjection } from './read-model/notifications.projection.js';
import { NotifierTables1765100000100 } from './read-model/notifier-tables.migration.js';
import { notificationsMigrations, notificationsProjections, startNotifications } from './notifications/start-notifications.js';
import { PublicEventFacts1765200000100, startPublicEvents } from './public-events/index.js';

export interface RunningNotifier {
  dataSource: DataSource;
  close(): Promise<void>;
}

/** The notifier's tables and read models: what its boot, its rebuild command and its tests share. */
export const notifierService = defineService({
  name: 'notifier',
  migrations: [NotifierTables1765100000100, ...notificationsMigrations, PublicEventFacts1765200000100],
  projections: () => [notificationsProjection, ...notificationsProjections],
});

export const notifierDataSource = (databaseUrl: string): DataSource => notifierService.dataSource(databaseUrl);

export const notifierProjections = () => notifierService.projections();

/**
 * Boots a notifier replica through the service kit: schema, its read models, then the
 * notifications feature (endpoints, Slack, mail, its handlers) and the public-events publisher.
 * Its handlers are plain NATS subscriptions on its own connection, so it has no Nest app.
 */
export async function startNotifier(config: NotifierConfig): Promise<RunningNotifier> {
  const service = await bootService(notifierService, config, {
    messaging,
    nats: { streams: [messaging.ensureEventsStream] },
    workers: ({ nc, dataSource, projections, logger }) => [
      { name: 'notifications', start: () => startNotifications({ config, nc, dataSource, projections, logger }) },
      {
        name: 'public events',
        start: () => startPublicEvents({ dataSource, nc, streams: { replicas: config.natsStreamReplicas }, runner: { onError: projectionErrorLogger() } }),
      },
    ],
  });
  return { dataSource: service.dataSource, close: service.close };
}
