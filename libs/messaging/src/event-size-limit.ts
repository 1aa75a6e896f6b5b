import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { maxEventBytesFor, NATS_DEFAULT_MAX_PAYLOAD, setMaxEventBytes } from '@agentry/event-store';

/**
 * Holds every append through `dataSource` to what the bus behind `nc` can carry: the server's
 * `max_payload` (from the connection's INFO) minus a margin for headers. The relay calls it with its own
 * connection, since it is the one that must publish each event.
 */
export function limitEventsToBus(dataSource: DataSource, nc: NatsConnection): number {
  const limit = maxEventBytesFor(nc.info?.max_payload ?? NATS_DEFAULT_MAX_PAYLOAD);
  setMaxEventBytes(dataSource, limit);
  return limit;
}
