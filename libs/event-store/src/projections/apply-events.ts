import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '../types.js';
import { EventApplyFailed, projectionAccepts, type Projection } from './projection.js';

/**
 * Applies, in order, the events of a batch that the projection subscribes to, except those in `skip`
 * (parked by the caller). A failure is an EventApplyFailed naming the event.
 */
export async function applyEvents(
  projection: Projection,
  events: StoredEvent[],
  manager: EntityManager,
  skip: (event: StoredEvent) => Promise<boolean> = async () => false,
): Promise<void> {
  for (const event of events) {
    if (!projectionAccepts(projection, event) || (await skip(event))) continue;
    try {
      await projection.apply(event, manager);
    } catch (error) {
      throw new EventApplyFailed(event, error);
    }
  }
}
