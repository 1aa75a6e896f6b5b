import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '../types.js';

/** The shape of an event union in libs/contracts (e.g. `AgentEvent`): one member per type, each with its data. */
export interface TypedEvent {
  type: string;
  data: unknown;
}

/**
 * A stored event of the union E: a `switch (event.type)` narrows `event.data` to that type's data, so a
 * projection reads its events without casts. With the default E it is any stored event.
 */
export type StoredEventOf<E extends TypedEvent = TypedEvent> = E extends TypedEvent
  ? Omit<StoredEvent, 'type' | 'data'> & { type: E['type']; data: E['data'] }
  : never;

/** A stored event of one type T of the union E, its data typed (what a handler of T's events receives). */
export type StoredEventOfType<E extends TypedEvent, T extends E['type']> = StoredEventOf<Extract<E, { type: T }>>;

/**
 * A read model fed by the log. Typed by the event union it handles (`Projection<AgentEvent>`): its
 * `eventTypes` must then be types of that union and its apply functions receive only those events
 * (the runner filters by `eventTypes`, which is why a typed projection must list them). Runners hold
 * plain `Projection`s: the apply functions are methods, so a typed projection is one of them.
 */
export interface Projection<E extends TypedEvent = TypedEvent> {
  /** Checkpoint key and advisory-lock key. */
  name: string;
  /** When set only these reach apply(); the checkpoint still advances past the others. */
  eventTypes?: E['type'][];
  /** Runs inside the batch transaction that also moves the checkpoint. */
  apply(event: StoredEventOf<E>, manager: EntityManager): Promise<void>;
  /**
   * Set-based apply of a whole batch (the events it accepts, in log order), inside the same transaction
   * as the checkpoint move: e.g. fold the batch into final row states and write them in one statement per
   * table. It must leave the tables exactly as `apply` one event at a time would (rebuild equals live).
   * When set, the runner and rebuilds use it; `apply` stays for single events (replays, and a batch that
   * failed while the projection has a parking policy, so the poisoned event can be found).
   */
  applyBatch?(events: StoredEventOf<E>[], manager: EntityManager): Promise<void>;
  /**
   * Events per batch when the runner is not told otherwise (default 1000). A set-based projection catches
   * up faster with bigger batches (the scheduler's start-up over 100,000 schedules: 11.9 s at 1000, 7.4 s at
   * 5000 on a loaded 2-core machine); a batch is only that big while there is a backlog.
   */
  batchSize?: number;
  /** Empties the projection's read tables (used by a rebuild of a projection that declares no `tables`). */
  reset(manager: EntityManager): Promise<void>;
  /**
   * The read tables this projection (and only it) writes, unqualified, in the schema they live in. A
   * rebuild then fills copies of them in a schema of its own, in short transactions beside live traffic,
   * and swaps them in atomically (see rebuild.ts). Every SQL statement of apply/applyBatch must name them
   * unqualified: the rebuild points search_path at the copies.
   */
  tables?: string[];
  /**
   * Runs in a rebuild's switch transaction against the filled copies (search_path on them), after the last
   * events and before they go live: for what the tables get from outside the log, e.g. rows an archive job
   * removed from the live tables while the copies were filled.
   */
  onSwitch?(manager: EntityManager): Promise<void>;
  /**
   * Set to park events this projection keeps failing on instead of retrying them forever (the relay):
   * the checkpoint moves past a parked event, which an operator can replay (`npm run parked`). Read-model
   * projections leave it unset: skipping an event would make them differ from a rebuild.
   */
  parking?: ParkingPolicy;
  /** Applies a parked event an operator asked to replay (default: apply). */
  replay?(event: StoredEventOf<E>, manager: EntityManager): Promise<void>;
}

export interface ParkingPolicy {
  /** Failed attempts at one event before it is parked (a PoisonedEventError parks it at once). */
  maxAttempts: number;
  /** Failures that are not the event's fault (its bus is down…): retried without counting. */
  isTransient?(error: unknown): boolean;
}

/** Thrown by a projection for an event that can never be applied (e.g. too large for the bus): parked at once. */
export class PoisonedEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonedEventError';
  }
}

/** A projection's apply failed on this event (what the worker needs to count and park it). */
export class EventApplyFailed extends Error {
  constructor(
    readonly event: StoredEvent,
    readonly cause: unknown,
  ) {
    super(`event ${event.eventId} (${event.type}): ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'EventApplyFailed';
  }
}

export const projectionAccepts = (projection: Projection, event: StoredEvent): boolean => !projection.eventTypes || projection.eventTypes.includes(event.type);

/**
 * Writes one event's data into read tables, inside the projection's batch transaction. Declared as a
 * method so a writer of one type's data is also a writer the dispatch below can hold by type name.
 */
export type EventDataWriter<D = unknown> = { write(data: D, manager: EntityManager): Promise<unknown> }['write'];

/** One writer per event type of the union E, each receiving that type's data. */
export type EventDataWriters<E extends TypedEvent> = { [T in E['type']]?: EventDataWriter<Extract<E, { type: T }>['data']> };

/** A projection made of one writer per event type of E: it subscribes to exactly those types. */
export function projectionOf<E extends TypedEvent>(spec: {
  name: string;
  writers: EventDataWriters<E>;
  reset(manager: EntityManager): Promise<void>;
  tables?: string[];
}): Projection<E> {
  // The runner only hands over events of `eventTypes`, the writers' own keys: each writer gets its type's data.
  const byType: Partial<Record<string, EventDataWriter>> = spec.writers;
  return {
    name: spec.name,
    eventTypes: Object.keys(spec.writers).filter((type): type is E['type'] => byType[type] !== undefined),
    async apply(event, manager) {
      await byType[event.type]?.(event.data, manager);
    },
    reset: spec.reset,
    ...(spec.tables ? { tables: spec.tables } : {}),
  };
}

/** A set-based batch apply failed; unlike EventApplyFailed it names no event (the worker retries one by one). */
export class BatchApplyFailed extends Error {
  constructor(
    readonly projection: string,
    readonly cause: unknown,
  ) {
    super(`${projection}: batch apply failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'BatchApplyFailed';
  }
}
