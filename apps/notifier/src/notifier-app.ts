import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { createDataSource, eventStoreMigrations, migrate, ProjectionRunner } from '@agentry/event-store';
import { connectNats, ensureEventsStream } from '@agentry/messaging';
import { installObservability, projectionErrorLogger, ShutdownStack, startServiceHealth } from '@agentry/service-kit';
import type { NotifierConfig } from './config.js';
import { notificationsProjection } from './read-model/notifications.projection.js';
import { NotifierTables1765100000100 } from './read-model/notifier-tables.migration.js';
import { notificationsMigrations, notificationsProjections, startNotifications } from './notifications/start-notifications.js';
import { PublicEventFacts1765200000100, startPublicEvents } from './public-events/index.js';

export interface RunningNotifier {
  dataSource: DataSource;
  close(): Promise<void>;
}

export function notifierDataSource(databaseUrl: string): DataSource {
  return createDataSource({ url: databaseUrl, name: 'notifier', migrations: [...eventStoreMigrations, NotifierTables1765100000100, ...notificationsMigrations, PublicEventFacts1765200000100] });
}

export const notifierProjections = () => [notificationsProjection, ...notificationsProjections];

/** Boots a notifier replica: schema, its read model, the container-end consumer and the delivery worker. */
export async function startNotifier(config: NotifierConfig): Promise<RunningNotifier> {
  const stack = new ShutdownStack();
  const { flushTraces } = installObservability('notifier', config.logLevel, config.observability);
  stack.push(flushTraces);
  return stack.boot(async () => {
    const dataSource = notifierDataSource(config.databaseUrl);
    await dataSource.initialize();
    stack.push(() => dataSource.destroy());
    await migrate(dataSource);

    const nc = await connectNats(config.natsUrl, 'notifier');
    stack.push(() => nc.close());
    await ensureEventsStream(nc, { replicas: config.natsStreamReplicas });

    const projections = new ProjectionRunner(dataSource, notifierProjections(), { onError: projectionErrorLogger() });
    stack.push(() => projections.stop());
    await projections.start();

    const notifications = await startNotifications({ config, nc, dataSource, projections });
    stack.push(() => notifications.stop());
    const publicEvents = await startPublicEvents({ dataSource, nc, streams: { replicas: config.natsStreamReplicas }, runner: { onError: projectionErrorLogger() } });
    stack.push(() => publicEvents.stop());

    const health = await startServiceHealth(config.observability, { nats: { nats: nc }, dataSource, projections: { projections } });
    if (health) stack.push(() => health.close());
    new Logger('Notifier').log('notifier ready');
    let closed: Promise<void> | null = null;
    return { dataSource, close: () => (closed ??= stack.unwind()) };
  });
}
