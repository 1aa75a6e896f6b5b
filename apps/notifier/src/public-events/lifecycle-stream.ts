import { RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { LIFECYCLE_STREAM, LIFECYCLE_SUBJECTS } from '@agentry/events';
import { ensureStream, replicasOf, type StreamPlacement } from '@agentry/messaging';

/**
 * How long the server remembers a published public event id. The projection republishes only the batch it
 * was applying when it stopped (its checkpoint had not committed), on resume, normally within seconds; an
 * hour covers long outages of NATS or Postgres in between (as the EVENTS stream's window).
 */
export const LIFECYCLE_DUPLICATE_WINDOW_MS = 60 * 60 * 1000;

/**
 * The stream of public lifecycle events. Everything is kept (no max age): a subscriber can start from any
 * sequence or time, including the first event. Operators who want a retention set it on the stream.
 */
export const ensureLifecycleStream = (nc: NatsConnection, placement: StreamPlacement = {}): Promise<void> =>
  ensureStream(nc, {
    name: LIFECYCLE_STREAM,
    subjects: [LIFECYCLE_SUBJECTS],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    duplicate_window: nanos(LIFECYCLE_DUPLICATE_WINDOW_MS),
    max_msgs: -1,
    max_bytes: -1,
    ...replicasOf(placement),
  });
