import type { NatsConnection } from '@nats-io/transport-node';
import { liveContainerSubject, type LiveMessage } from '@agentry/contracts';

/**
 * Live fan-out to watchers (core NATS, at most once): what happens to a container as it happens.
 * The durable record is the event store and the OUTPUT stream; a watcher that misses a live message
 * reads the stored ones.
 */
export class LivePublisher {
  constructor(private readonly nc: NatsConnection) {}

  publish(message: LiveMessage): void {
    try {
      this.nc.publish(liveContainerSubject(message.containerId), JSON.stringify(message));
    } catch {
      // Closed or draining connection: watchers fall back on the stored record.
    }
  }
}
