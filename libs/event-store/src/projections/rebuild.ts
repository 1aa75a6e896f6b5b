import type { DataSource, EntityManager } from 'typeorm';
import { createSessionClient } from '../data-source.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { compareLogPositions, LOG_START } from '../log-position.js';
import { lastCommittedPosition, readLogPage } from '../log-reader.js';
import { ADVISORY_LOCK_NAMESPACE } from '../schema-names.js';
import type { LogPosition } from '../types.js';
import { applyEvents } from './apply-events.js';
import { BuildTables } from './build-tables.js';
import { loadCheckpoint, setCheckpoint } from './checkpoints.js';
import type { Projection } from './projection.js';

export interface RebuildOptions {
  /** Events per chunk (one short transaction each). Default 5000. */
  batchSize?: number;
  /** Awaited after each committed chunk: progress for the rebuild commands (tests pause a rebuild here). */
  onChunk?(progress: RebuildProgress): Promise<void> | void;
}

export interface RebuildProgress {
  projection: string;
  /**
   * `filling`: a chunk committed into the copies; `filled`: the copies reached the log end and the switch
   * comes next; `switched`: the copies are the live tables (in-place rebuilds report `filling` only).
   */
  stage: 'filling' | 'filled' | 'switched';
  /** Events read from the log so far (all types, as the checkpoint counts them). */
  events: number;
  position: LogPosition;
}

const DEFAULT_BATCH_SIZE = 5000;
const SWITCH_ATTEMPTS = 5;
const LOCK_NOT_AVAILABLE = '55P03';
const HELD_BACK_RETRY_MS = 20;

/**
 * Rebuilds each projection from the whole log, one after the other.
 *
 * A projection that declares its `tables` is rebuilt **beside** them: copies in a build schema are filled
 * chunk by chunk, each chunk one short transaction over events of committed transactions, so the rebuild
 * never holds a snapshot or an xid open for long (a long transaction holds back pg_snapshot_xmin, and with
 * it every log reader of every service: commands waiting for their read-your-writes timed out). The live
 * tables keep serving and the live leader keeps applying meanwhile. Then one short switch transaction
 * locks the live tables (waiting for the leader's batch in flight), applies the last events to the copies,
 * sets the checkpoint to the copies' position and swaps the copies in. The leader's next batch is fenced by
 * the checkpoint move and carries on from there against the new tables.
 *
 * A projection without `tables` is rebuilt in place in one transaction (reset + replay), as before.
 */
export async function rebuildProjections(dataSource: DataSource, projections: Projection[], options: RebuildOptions = {}): Promise<void> {
  for (const projection of projections) {
    if (projection.tables && projection.tables.length > 0) await rebuildBeside(dataSource, projection, options);
    else await rebuildInPlace(dataSource, projection, options);
  }
}

async function rebuildBeside(dataSource: DataSource, projection: Projection, options: RebuildOptions): Promise<void> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const lock = createSessionClient(dataSource, 'agentry-rebuild');
  await lock.connect();
  let build: BuildTables | undefined;
  try {
    const { rows } = await lock.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [
      ADVISORY_LOCK_NAMESPACE.projectionRebuilds,
      projection.name,
    ]);
    if (!rows[0]?.locked) throw new Error(`${projection.name}: another rebuild of this projection is running`);

    const target = await lastCommittedPosition(dataSource);
    build = await BuildTables.create(dataSource, projection);
    const progress: RebuildProgress = { projection: projection.name, stage: 'filling', events: 0, position: LOG_START };
    // Fill the copies until a chunk comes back short, once past every event committed before the rebuild began.
    for (;;) {
      const { events, scanned, end } = await readLogPage(dataSource, progress.position, batchSize, projection.eventTypes);
      if (end) {
        const copies = build;
        await dataSource.transaction(async (manager) => {
          await copies.usedBy(manager);
          await applyEvents(projection, events, manager);
        });
        progress.events += scanned;
        progress.position = end;
        await options.onChunk?.({ ...progress });
      }
      if (scanned < batchSize) {
        if (compareLogPositions(progress.position, target) >= 0) break;
        await sleep(HELD_BACK_RETRY_MS); // committed, but behind an older transaction still open (readLog's rule)
      }
    }
    await build.addIndexes(dataSource);
    await options.onChunk?.({ ...progress, stage: 'filled' });
    await switchTo(dataSource, projection, build, progress, batchSize);
    await options.onChunk?.({ ...progress, stage: 'switched' });
  } catch (error) {
    await build?.drop(dataSource).catch(() => undefined);
    throw error;
  } finally {
    await lock.end().catch(() => undefined);
  }
}

/** The switch transaction, retried when the live tables stay locked past the lock timeout (a long reader). */
async function switchTo(dataSource: DataSource, projection: Projection, build: BuildTables, progress: RebuildProgress, batchSize: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const caughtUp = { ...progress };
    try {
      await dataSource.transaction(async (manager) => {
        await build.lockLive(manager);
        await loadCheckpoint(manager, projection.name, { forUpdate: true });
        await build.usedBy(manager);
        // The events appended since the last chunk: few, so the live tables stay locked briefly.
        await catchUp(manager, projection, caughtUp, batchSize);
        await projection.onSwitch?.(manager);
        await setCheckpoint(manager, projection.name, caughtUp.position);
        await build.swap(manager);
      });
      Object.assign(progress, caughtUp);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE || attempt >= SWITCH_ATTEMPTS) throw error;
    }
  }
}

async function catchUp(db: EntityManager, projection: Projection, progress: RebuildProgress, batchSize: number): Promise<void> {
  for (;;) {
    const { events, scanned, end } = await readLogPage(db, progress.position, batchSize, projection.eventTypes);
    if (!end) return;
    await applyEvents(projection, events, db);
    progress.events += scanned;
    progress.position = end;
    if (scanned < batchSize) return;
  }
}

/** One transaction: lock the checkpoint row, reset the tables, replay the whole log, set the checkpoint. */
async function rebuildInPlace(dataSource: DataSource, projection: Projection, options: RebuildOptions): Promise<void> {
  const target = await lastCommittedPosition(dataSource);
  await dataSource.transaction(async (manager) => {
    await loadCheckpoint(manager, projection.name, { forUpdate: true });
    await projection.reset(manager);
    const progress: RebuildProgress = { projection: projection.name, stage: 'filling', events: 0, position: LOG_START };
    for (;;) {
      const { events, scanned, end } = await readLogPage(manager, progress.position, options.batchSize ?? DEFAULT_BATCH_SIZE, projection.eventTypes);
      if (!end) {
        if (compareLogPositions(progress.position, target) >= 0) break;
        await sleep(HELD_BACK_RETRY_MS);
        continue;
      }
      await applyEvents(projection, events, manager);
      progress.events += scanned;
      progress.position = end;
      await options.onChunk?.({ ...progress });
    }
    await setCheckpoint(manager, projection.name, progress.position);
  });
}

/** What the rebuild commands run: each projection rebuilt beside its tables, one line per projection saying how it went. */
export async function rebuildAndReport(dataSource: DataSource, projections: Projection[], log: (line: string) => void = console.log): Promise<void> {
  for (const projection of projections) {
    const started = Date.now();
    let events = 0;
    await rebuildProjections(dataSource, [projection], { onChunk: (progress) => void (events = progress.events) });
    const seconds = (Date.now() - started) / 1000;
    const how = projection.tables?.length ? 'built beside the live tables and switched' : 'rebuilt in place';
    log(`${projection.name}: ${events} events in ${seconds.toFixed(1)} s (${Math.round(events / Math.max(seconds, 0.001))} events/s), ${how}`);
  }
}
