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
