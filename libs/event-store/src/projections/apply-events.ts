import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '../types.js';
import { BatchApplyFailed, EventApplyFailed, projectionAccepts, type Projection } from './projection.js';

export interface ApplyOptions {
  /** Events the caller parks instead of applying (checked one by one, so it forces the one-by-one path). */
  skip?: (event: StoredEvent) => Promise<boolean>;
  /** Apply one event at a time even when the projection has applyBatch (to find which event fails). */
  oneByOne?: boolean;
}

/**
 * Applies, in order, the events of a batch that the projection subscribes to: in one call to its
 * `applyBatch` when it has one (a failure is a BatchApplyFailed), otherwise one by one through `apply`
 * except those `skip` answers true for (a failure is an EventApplyFailed naming the event).
 */
export async function applyEvents(projection: Projection, events: StoredEvent[], manager: EntityManager, options: ApplyOptions = {}): Promise<void> {
  const accepted = events.filter((event) => projectionAccepts(projection, event));
  if (projection.applyBatch && !options.skip && !options.oneByOne) {
    if (accepted.length === 0) return;
    try {
      await projection.applyBatch(accepted, manager);
    } catch (error) {
      throw new BatchApplyFailed(projection.name, error);
    }
    return;
  }
  for (const event of accepted) {
    if (options.skip && (await options.skip(event))) continue;
    try {
      await projection.apply(event, manager);
    } catch (error) {
      throw new EventApplyFailed(event, error);
    }
  }
}
