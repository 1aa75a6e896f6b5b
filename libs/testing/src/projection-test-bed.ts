import { afterAll, beforeAll, expect } from '@jest/globals';
import { EventStore, LOG_START, migrate, ProjectionRunner, rebuildProjections, type LogPosition, type Projection } from '@agentry/event-store';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/**
 * The bed of a projection's integration test: a fresh database, the service's data source migrated on it, an
 * event store, and an append that remembers the last position (what a live runner must reach).
 */
export class ProjectionTestBed {
  private database?: TestDatabase;
  private source?: DataSource;
  private eventStore?: EventStore;
  /** Position of the last event appended through `append`. */
  last: LogPosition = LOG_START;

  constructor(private readonly openDataSource: (url: string) => DataSource) {}

  get dataSource(): DataSource {
    if (!this.source) throw new Error('the projection test bed is used before beforeAll opened it');
    return this.source;
  }

  get store(): EventStore {
    if (!this.eventStore) throw new Error('the projection test bed is used before beforeAll opened it');
    return this.eventStore;
  }

  async open(): Promise<void> {
    this.database = await createTestDatabase();
    this.source = this.openDataSource(this.database.url);
    await this.source.initialize();
    await migrate(this.source);
    this.eventStore = new EventStore(this.source);
  }

  async close(): Promise<void> {
    await this.source?.destroy();
    await this.database?.drop();
  }

  async append(streamId: string, streamType: string, type: string, data: Record<string, unknown>): Promise<LogPosition> {
    this.last = (await this.store.append(streamId, streamType, [{ type, data }], { expectedVersion: 'any' })).position;
    return this.last;
  }

  /**
   * Folds the whole log into the projection three ways — a rebuild one event per batch (the row-at-a-time
   * semantics), a rebuild in one batch, and a live runner from empty tables in small batches that cut streams'
   * histories in the middle — and expects the same snapshot each time. Returns the one-at-a-time snapshot for
   * the test's own assertions.
   */
  async foldThreeWays<S>(projection: Projection, snapshot: () => Promise<S>, options: { liveBatchSize?: number; last?: LogPosition } = {}): Promise<S> {
    if (!projection.tables?.length) throw new Error(`projection ${projection.name} declares no tables to empty before the live run`);
    await rebuildProjections(this.dataSource, [projection], { batchSize: 1 });
    const oneAtATime = await snapshot();
    await rebuildProjections(this.dataSource, [projection], { batchSize: 5000 });
    expect(await snapshot()).toEqual(oneAtATime);

    await this.dataSource.query(`TRUNCATE ${projection.tables.join(', ')}`);
    await this.dataSource.query(`DELETE FROM projection_checkpoints WHERE name = $1`, [projection.name]);
    const runner = new ProjectionRunner(this.dataSource, [projection], { batchSize: options.liveBatchSize ?? 3, onError: (e) => console.error(e) });
    await runner.start();
    try {
      await runner.waitFor(options.last ?? this.last);
    } finally {
      await runner.stop();
    }
    expect(await snapshot()).toEqual(oneAtATime);
    return oneAtATime;
  }
}

/** A projection test bed opened before the file's tests and dropped after them. */
export function useProjectionTestBed(openDataSource: (url: string) => DataSource): ProjectionTestBed {
  const bed = new ProjectionTestBed(openDataSource);
  beforeAll(() => bed.open());
  afterAll(() => bed.close());
  return bed;
}
