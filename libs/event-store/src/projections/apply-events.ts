import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '../types.js';
import { projectionAccepts, type Projection } from './projection.js';

/** Applies, in order, the events of a batch that the projection subscribes to. */
export async function applyEvents(projection: Projection, events: StoredEvent[], manager: EntityManager): Promise<void> {
  for (const event of events) {
    if (projectionAccepts(projection, event)) await projection.apply(event, manager);
  }
}
