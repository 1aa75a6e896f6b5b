import {
  JetStreamApiCodes,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { EVENTS_STREAM } from '@agentry/contracts';
import { isJetStreamApiError } from './jetstream-errors.js';

/**
 * How long the server remembers a published `Nats-Msg-Id`. The relay publishes an event again only when it
 * stopped between the PubAck and its checkpoint commit; the republish happens when the relay (or another
 * replica taking over its lock) resumes, normally within seconds. One hour covers long outages of NATS or
 * Postgres in between. The server keeps the ids of that window in memory (roughly 100–200 bytes per event id), so it
 * is not made longer; the relay also skips events already at the stream's tail, which covers outages beyond
 * the window.
 */
export const EVENTS_DUPLICATE_WINDOW_MS = 60 * 60 * 1000;

export const EVENTS_SUBJECTS = 'events.>';

const eventsStreamConfig = (): Partial<StreamConfig> & { name: string } => ({
  name: EVENTS_STREAM,
  subjects: [EVENTS_SUBJECTS],
  retention: RetentionPolicy.Limits,
  storage: StorageType.File,
  duplicate_window: nanos(EVENTS_DUPLICATE_WINDOW_MS),
  // The event store is the record; the stream keeps everything too so a new consumer can start from the beginning.
  max_age: 0,
  max_msgs: -1,
  max_bytes: -1,
});

/** Creates the JetStream stream EVENTS, or brings an existing one to the current configuration. Safe to run concurrently. */
export async function ensureEventsStream(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const config = eventsStreamConfig();
  try {
    await jsm.streams.info(EVENTS_STREAM);
  } catch (err) {
    if (!isJetStreamApiError(err, JetStreamApiCodes.StreamNotFound)) throw err;
    await jsm.streams.add(config);
    return;
  }
  await jsm.streams.update(EVENTS_STREAM, config);
}
