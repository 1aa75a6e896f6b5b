import type { JetStreamClient } from '@nats-io/jetstream';
import { EVENTS_STREAM, eventSubject } from '@agentry/contracts';
import { compareLogPositions, positionOf, type LogPosition, type Projection, type StoredEvent } from '@agentry/event-store';

export const EVENT_RELAY_PROJECTION = 'relay:EVENTS';

const PUBLISH_TIMEOUT_MS = 5000;

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
  private published: LogPosition | null | undefined;

  constructor(private readonly js: JetStreamClient) {}

  async apply(event: StoredEvent): Promise<void> {
    if (this.published === undefined) this.published = await streamTail(this.js);
    const position = positionOf(event);
    if (this.published && compareLogPositions(position, this.published) <= 0) return;
    await this.js.publish(eventSubject(event.streamType, event.type), JSON.stringify(event), {
      msgID: event.eventId,
      timeout: PUBLISH_TIMEOUT_MS,
    });
    this.published = position;
  }

  /** Nothing to empty: a replay skips what the stream holds already (and the server drops known ids). */
  async reset(): Promise<void> {}
}

export function createEventRelayProjection(js: JetStreamClient): Projection {
  return new EventRelayProjection(js);
}
