import { RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { EVENTS_STREAM, StreamSubjects } from '@agentry/contracts';
import { ensureStream, replicasOf, type StreamDefinition, type StreamPlacement } from './ensure-stream.js';

/**
 * How long the server remembers a published `Nats-Msg-Id`. The relay publishes an event again only when it
 * stopped between the PubAck and its checkpoint commit; the republish happens when the relay (or another
 * replica taking over its lock) resumes, normally within seconds. One hour covers long outages of NATS or
 * Postgres in between. The server keeps the ids of that window in memory (roughly 100–200 bytes per event id), so it
 * is not made longer; the relay also skips events already at the stream's tail, which covers outages beyond
 * the window.
 */
export const EVENTS_DUPLICATE_WINDOW_MS = 60 * 60 * 1000;

export const EVENTS_SUBJECTS = StreamSubjects[EVENTS_STREAM];

const eventsStreamConfig = (placement: StreamPlacement): StreamDefinition => ({
  name: EVENTS_STREAM,
  subjects: [EVENTS_SUBJECTS],
  retention: RetentionPolicy.Limits,
  storage: StorageType.File,
  duplicate_window: nanos(EVENTS_DUPLICATE_WINDOW_MS),
  // The event store is the record; the stream keeps everything too so a new consumer can start from the beginning.
  max_age: 0,
  max_msgs: -1,
  max_bytes: -1,
  ...replicasOf(placement),
});

/** Creates the JetStream stream EVENTS, or brings an existing one to the current configuration. */
export const ensureEventsStream = (nc: NatsConnection, placement: StreamPlacement = {}): Promise<void> => ensureStream(nc, eventsStreamConfig(placement));
