import type { DataSource } from 'typeorm';
import * as messaging from '@agentry/messaging';
import { QueueGroups } from '@agentry/contracts';
import { bootService, defineService, natsMicroservice, projectionErrorLogger } from '@agentry/service-kit';
import type { NotifierConfig } from './config.js';
import { notificationsProjection } from './read-model/notifications.projection.js';
import { NotifierTables1765100000100 } from './read-model/notifier-tables.migration.js';
import {
  notificationParts,
  notificationsMigrations,
  notificationsProjections,
  notifierRpcServices,
  startNotifications,
  type NotificationParts,
} from './notifications/start-notifications.js';
import { notifierRpcModule } from './rpc/notifier-rpc.js';
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
 * Boots a notifier replica through the service kit: schema, its read models, its notifier.>
 * handlers (the Nest app), then the notifications workers (end consumer, org endpoints, delivery
 * worker) and the public-events publisher. Handlers and workers share one set of parts.
 */
export async function startNotifier(config: NotifierConfig): Promise<RunningNotifier> {
  let parts: NotificationParts | undefined;
  const partsOver = (dataSource: DataSource) => (parts ??= notificationParts(config, dataSource));
  const service = await bootService(notifierService, config, {
    messaging,
    nats: { streams: [messaging.ensureEventsStream] },
    nest: natsMicroservice({
      queue: QueueGroups.notifier,
      module: ({ dataSource }) => notifierRpcModule(notifierRpcServices(config, dataSource, partsOver(dataSource))),
    }),
    workers: ({ nc, dataSource, projections }) => [
      { name: 'notifications', start: () => startNotifications({ config, nc, dataSource, projections, parts: partsOver(dataSource) }) },
      {
        name: 'public events',
        start: () => startPublicEvents({ dataSource, nc, streams: { replicas: config.natsStreamReplicas }, runner: { onError: projectionErrorLogger() } }),
      },
    ],
  });
  return { dataSource: service.dataSource, close: service.close };
}
