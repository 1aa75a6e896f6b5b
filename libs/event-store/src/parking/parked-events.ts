import type { DataSource, EntityManager } from 'typeorm';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from '../log-reader.js';
import { pgConnection } from '../pg-access.js';
import type { StoredEvent } from '../types.js';

/** An event a consumer gave up on (`parked_events`). Never its payload: that stays in the log. */
export interface ParkedEvent {
  id: number;
  /** Projection name (e.g. `relay:EVENTS`) or durable consumer name. */
  consumer: string;
  eventId: string;
  eventType: string;
  streamId: string;
  globalPosition: string;
  /** The last failure's message (cut to REASON_MAX_CHARS). */
  reason: string;
  /** Failed attempts so far, replays included. */
  attempts: number;
  parkedAt: Date;
  lastAttemptAt: Date;
  replayRequestedAt: Date | null;
}

/** What `park` records about one event. */
export interface ParkRequest {
  consumer: string;
  event: Pick<StoredEvent, 'eventId' | 'type' | 'streamId' | 'globalPosition'>;
  reason: string;
  attempts: number;
}

/** Handler errors can be long (stacks, SQL); the reason is for a human deciding what to do. */
const REASON_MAX_CHARS = 500;

const COLUMNS = `id::integer AS id, consumer, event_id::text AS "eventId", event_type AS "eventType", stream_id AS "streamId",
  global_position::text AS "globalPosition", reason, attempts, parked_at AS "parkedAt", last_attempt_at AS "lastAttemptAt",
  replay_requested_at AS "replayRequestedAt"`;

/**
 * The `parked_events` table: consumers park what they gave up on, operators list, replay or drop it
 * (`npm run parked`), and the consumer that parked an event performs its replay (it has the handler).
 */
export class ParkedEvents {
  constructor(private readonly dataSource: DataSource) {}

  /** Rows of a statement (on the pool, or on the connection of `manager`'s transaction); plain pg, so UPDATE … RETURNING answers rows. */
  private async rows<R>(text: string, values: unknown[], manager?: EntityManager): Promise<R[]> {
    const db = await pgConnection(this.dataSource, manager);
    return (await db.query<R & object>({ text, values })).rows;
  }

  /**
   * Records that `consumer` gave up on an event. `manager`: the caller's transaction (a projection parks in
   * the batch that moves its checkpoint past the event). Parking it again updates reason and attempts.
   */
  async park(request: ParkRequest, manager?: EntityManager): Promise<void> {
    const { consumer, event, reason, attempts } = request;
    await this.rows(
      `INSERT INTO parked_events AS p (consumer, event_id, event_type, stream_id, global_position, reason, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (consumer, event_id) DO UPDATE
         SET reason = EXCLUDED.reason, attempts = p.attempts + EXCLUDED.attempts, last_attempt_at = now(), replay_requested_at = NULL`,
      [consumer, event.eventId, event.type, event.streamId, event.globalPosition, reason.slice(0, REASON_MAX_CHARS), attempts],
      manager,
    );
  }

  /** Every parked event (of one consumer), oldest first. */
  async list(consumer?: string): Promise<ParkedEvent[]> {
    return this.rows(`SELECT ${COLUMNS} FROM parked_events WHERE $1::text IS NULL OR consumer = $1 ORDER BY id`, [consumer ?? null]);
  }

  /** How many events each consumer has parked (for metrics and the list's summary). */
  async countsByConsumer(): Promise<Record<string, number>> {
    const rows = await this.rows<{ consumer: string; n: number }>(`SELECT consumer, count(*)::integer AS n FROM parked_events GROUP BY consumer`, []);
    return Object.fromEntries(rows.map((r) => [r.consumer, r.n]));
  }

  async get(id: number): Promise<ParkedEvent | null> {
    const rows = await this.rows<ParkedEvent>(`SELECT ${COLUMNS} FROM parked_events WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Asks the consumer that parked it to try it again; false when there is no such parked event. */
  async requestReplay(id: number): Promise<boolean> {
    const rows = await this.rows(`UPDATE parked_events SET replay_requested_at = now() WHERE id = $1 RETURNING id`, [id]);
    return rows.length > 0;
  }

  /** Gives up on it for good (the event stays in the log); false when there is no such parked event. */
  async drop(id: number): Promise<boolean> {
    const rows = await this.rows(`DELETE FROM parked_events WHERE id = $1 RETURNING id`, [id]);
    return rows.length > 0;
  }

  /**
   * Takes the replay requests of one consumer: each is handed to exactly one caller (replicas of a
   * consumer share them), with its request cleared.
   */
  async claimReplays(consumer: string): Promise<ParkedEvent[]> {
    return this.rows(
      `UPDATE parked_events SET replay_requested_at = NULL
       WHERE id IN (SELECT id FROM parked_events WHERE consumer = $1 AND replay_requested_at IS NOT NULL FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      [consumer],
    );
  }

  /** A replay succeeded: the event is no longer parked. */
  async resolve(id: number, manager?: EntityManager): Promise<void> {
    await this.rows(`DELETE FROM parked_events WHERE id = $1`, [id], manager);
  }

  /** A replay failed again: one more attempt, the new reason; it stays parked. */
  async replayFailed(id: number, reason: string): Promise<void> {
    await this.rows(`UPDATE parked_events SET attempts = attempts + 1, reason = $2, last_attempt_at = now() WHERE id = $1`, [
      id,
      reason.slice(0, REASON_MAX_CHARS),
    ]);
  }

  /** The parked event's full stored form, read from the log. */
  async readEvent(eventId: string): Promise<StoredEvent | null> {
    const rows = await this.rows<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events e WHERE e.event_id = $1`, [eventId]);
    return rows[0] ? toStoredEvent(rows[0]) : null;
  }
}
