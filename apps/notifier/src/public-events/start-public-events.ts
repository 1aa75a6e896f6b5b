import { Logger } from '@nestjs/common';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { ProjectionRunner, type ProjectionRunnerOptions } from '@agentry/event-store';
import type { StreamPlacement } from '@agentry/messaging';
import { ensureLifecycleStream } from './lifecycle-stream.js';
import { createPublicEventsProjection, type OnPublished } from './public-events.projection.js';

export interface PublicEventsPublisher {
  readonly runner: ProjectionRunner;
  stop(): Promise<void>;
}

/**
 * Creates the LIFECYCLE stream and starts the public-events projection in a runner of its own, so the
 * notifier's read-model waits never depend on NATS (as the outbox relay). Every notifier replica starts
 * it; the runner's advisory lock keeps one publisher active.
 */
export async function startPublicEvents(opts: {
  dataSource: DataSource;
  nc: NatsConnection;
  streams?: StreamPlacement;
  onPublished?: OnPublished;
  runner?: Pick<ProjectionRunnerOptions, 'onError' | 'pollIntervalMs' | 'batchSize'>;
}): Promise<PublicEventsPublisher> {
  await ensureLifecycleStream(opts.nc, opts.streams);
  const logger = new Logger('PublicEvents');
  const runner = new ProjectionRunner(opts.dataSource, [createPublicEventsProjection(jetstream(opts.nc), opts.onPublished)], {
    onParking: (message) => logger.warn(message),
    ...opts.runner,
  });
  await runner.start();
  return { runner, stop: () => runner.stop() };
}
