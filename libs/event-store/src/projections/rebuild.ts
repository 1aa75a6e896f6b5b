import type { DataSource } from 'typeorm';
import { LOG_START, positionOf } from '../log-position.js';
import { readLog } from '../log-reader.js';
import { applyEvents } from './apply-events.js';
import { loadCheckpoint, setCheckpoint } from './checkpoints.js';
import type { Projection } from './projection.js';

const REBUILD_BATCH_SIZE = 1000;

/**
 * Per projection, in one transaction: lock its checkpoint row, reset its read tables, replay the
 * whole log into them and set the checkpoint to the last event applied. Readers see the old
 * state until the new one commits; a running leader's next batch is fenced and re-reads the checkpoint.
 */
export async function rebuildProjections(dataSource: DataSource, projections: Projection[]): Promise<void> {
  for (const projection of projections) {
    await dataSource.transaction(async (manager) => {
      await loadCheckpoint(manager, projection.name, { forUpdate: true });
      await projection.reset(manager);
      let position = LOG_START;
      for (;;) {
        const events = await readLog(manager, position, REBUILD_BATCH_SIZE);
        if (events.length === 0) break;
        await applyEvents(projection, events, manager);
        position = positionOf(events[events.length - 1]);
      }
      await setCheckpoint(manager, projection.name, position);
    });
  }
}
