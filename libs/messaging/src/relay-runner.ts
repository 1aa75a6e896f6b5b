import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ProjectionRunner, type ProjectionRunnerOptions } from '@agentry/event-store';
import type { StreamPlacement } from './ensure-stream.js';
import { ensureEventsStream } from './events-stream.js';
import { connectNats } from './nats-connection.js';
import { createEventRelayProjection } from './event-relay.js';
import { limitEventsToBus } from './event-size-limit.js';

export interface RunningRelay {
  /** The relay's own connection and runner, for the service's health checks. */
  readonly nc: NatsConnection;
  readonly runner: ProjectionRunner;
  stop(): Promise<void>;
}

/**
 * Starts the outbox relay (events table → JetStream EVENTS) in its own ProjectionRunner, so
 * read-your-writes waits of the service's read models never depend on NATS. Every service
 * that appends may start one: the runner's advisory lock keeps a single active relay. It also holds
 * the appends through `dataSource` to the size this server's `max_payload` carries (limitEventsToBus),
 * and parks what it still cannot publish (see RELAY_PARKING).
 */
export async function startEventRelay(
  dataSource: DataSource,
  natsUrl: string,
  { streams, ...runnerOptions }: Pick<ProjectionRunnerOptions, 'onError' | 'onParking'> & { streams?: StreamPlacement } = {},
): Promise<RunningRelay> {
  const nc = await connectNats(natsUrl, 'event-relay');
  await ensureEventsStream(nc, streams);
  limitEventsToBus(dataSource, nc);
  const logger = new Logger('EventRelay');
  const runner = new ProjectionRunner(dataSource, [createEventRelayProjection(jetstream(nc))], {
    onParking: (message) => logger.warn(message),
    ...runnerOptions,
  });
  await runner.start();
  return {
    nc,
    runner,
    async stop() {
      await runner.stop();
      if (!nc.isClosed()) await nc.drain();
    },
  };
}
