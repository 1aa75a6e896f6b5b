import { JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream';
import { EVENTS_STREAM, eventSubject } from '@agentry/contracts';
import {
  compareLogPositions,
  PoisonedEventError,
  positionOf,
  type LogPosition,
  type ParkingPolicy,
  type Projection,
  type StoredEvent,
} from '@agentry/event-store';

export const EVENT_RELAY_PROJECTION = 'relay:EVENTS';

const PUBLISH_TIMEOUT_MS = 5000;

/**
 * An event the server refuses (JetStream answered an error about this message) is parked after this many
 * attempts; one over `max_payload` at once. Anything else (NATS down, timeouts, no stream) is the bus's
 * fault, not the event's: retried forever, never parked, so an outage parks nothing.
 */
export const RELAY_PARKING: ParkingPolicy = {
  maxAttempts: 5,
  isTransient: (error) => !(error instanceof JetStreamApiError),
};

/** Position of the newest event in EVENTS, or null when the stream is empty. */
async function streamTail(js: JetStreamClient): Promise<LogPosition | null> {
  const jsm = await js.jetstreamManager();
  const { state } = await jsm.streams.info(EVENTS_STREAM);
  if (state.messages === 0) return null;
  const last = await jsm.streams.getMessage(EVENTS_STREAM, { seq: state.last_seq });
  if (!last) return null;
  return positionOf(last.json<StoredEvent>());
}

/**
 * The outbox relay: a projection whose "read model" is the JetStream stream EVENTS. Running it under a
 * `ProjectionRunner` gives it one active instance, a checkpoint and resume after restarts.
 *
 * Each event is published with `Nats-Msg-Id = eventId` and its PubAck awaited before the next one, so the
 * stream holds events in log order. When the relay stops after a publish but before the batch's checkpoint
 * commits, the batch is read again on resume: events at or before the stream's tail (looked up once per
 * instance) are skipped, and any other republish inside the duplicate window is dropped by the server.
 */
class EventRelayProjection implements Projection {
  readonly name = EVENT_RELAY_PROJECTION;
  readonly parking = RELAY_PARKING;
  private published: LogPosition | null | undefined;

  constructor(private readonly js: JetStreamClient) {}

  async apply(event: StoredEvent): Promise<void> {
    if (this.published === undefined) this.published = await streamTail(this.js);
    const position = positionOf(event);
    if (this.published && compareLogPositions(position, this.published) <= 0) return;
    await this.publish(event);
    this.published = position;
  }

  /** A parked event an operator replays: published now, out of log order (it was never in the stream). */
  async replay(event: StoredEvent): Promise<void> {
    await this.publish(event);
  }

  private async publish(event: StoredEvent): Promise<void> {
    const payload = JSON.stringify(event);
    try {
      await this.js.publish(eventSubject(event.streamType, event.type), payload, { msgID: event.eventId, timeout: PUBLISH_TIMEOUT_MS });
    } catch (error) {
      // The client refuses, before sending, a message over the server's max_payload: no retry can change that.
      if (error instanceof Error && /max_payload/.test(error.message)) {
        throw new PoisonedEventError(`the encoded event is ${Buffer.byteLength(payload, 'utf8')} bytes, over the NATS server's max_payload`);
      }
      throw error;
    }
  }

  /** Nothing to empty: a replay skips what the stream holds already (and the server drops known ids). */
  async reset(): Promise<void> {}
}

export function createEventRelayProjection(js: JetStreamClient): Projection {
  return new EventRelayProjection(js);
}
