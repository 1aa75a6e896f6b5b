import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '../types.js';

export interface Projection {
  /** Checkpoint key and advisory-lock key. */
  name: string;
  /** When set only these reach apply(); the checkpoint still advances past the others. */
  eventTypes?: string[];
  /** Runs inside the batch transaction that also moves the checkpoint. */
  apply(event: StoredEvent, manager: EntityManager): Promise<void>;
  /** Empties the projection's read tables (used by rebuild). */
  reset(manager: EntityManager): Promise<void>;
}

export const projectionAccepts = (projection: Projection, event: StoredEvent): boolean =>
  !projection.eventTypes || projection.eventTypes.includes(event.type);

/** Writes one event's data into read tables, inside the projection's batch transaction. */
export type EventDataWriter = (data: never, manager: EntityManager) => Promise<unknown>;

/** A projection made of one writer per event type: it subscribes to exactly those types. */
export function projectionOf(spec: {
  name: string;
  writers: Record<string, EventDataWriter>;
  reset(manager: EntityManager): Promise<void>;
}): Projection {
  return {
    name: spec.name,
    eventTypes: Object.keys(spec.writers),
    async apply(event, manager) {
      await spec.writers[event.type]?.(event.data as never, manager);
    },
    reset: spec.reset,
  };
}
