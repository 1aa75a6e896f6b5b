import { afterEach, beforeEach } from '@jest/globals';
import { LOG_START } from '../log-position.js';
import type { ProjectionRunner } from '../projections/projection-runner.js';
import type { LogPosition } from '../types.js';
import { CountingProjection } from './counting-projection.js';
import { openTestEventStore, type TestEventStore } from './test-event-store.js';

/**
 * A fresh event store for each test, the runners the test started (all stopped after it, before the
 * database is dropped), and the helpers that fill the log and create counting projections.
 */
export class RunnerTestBed {
  private opened?: TestEventStore;
  private readonly runners: ProjectionRunner[] = [];

  constructor(private readonly poolSize: number) {}

  get db(): TestEventStore {
    if (!this.opened) throw new Error('the runner test bed is used outside a test');
    return this.opened;
  }

  async open(): Promise<void> {
    this.opened = await openTestEventStore(this.poolSize);
  }

  async close(): Promise<void> {
    await Promise.all(this.runners.splice(0).map((runner) => runner.stop()));
    await this.opened?.close();
    this.opened = undefined;
  }

  /** Remembers a runner so it is stopped after the test. */
  keep(runner: ProjectionRunner): ProjectionRunner {
    this.runners.push(runner);
    return runner;
  }

  /** Appends `count` events `{ i }` (i from `from`) round-robin over `streams` streams; returns the last position. */
  async appendMany(count: number, { streams, type = 'counted', from = 0 }: { streams: number; type?: string; from?: number }): Promise<LogPosition> {
    let position: LogPosition = LOG_START;
    for (let i = from; i < from + count; i++) {
      position = (await this.db.store.append(`s-${i % streams}`, 's', [{ type, data: { i } }], { expectedVersion: 'any' })).position;
    }
    return position;
  }

  /** A counting projection with its tables created. */
  async created(name: string, options: ConstructorParameters<typeof CountingProjection>[1] = {}): Promise<CountingProjection> {
    const projection = new CountingProjection(name, options);
    await projection.createTables(this.db.dataSource);
    return projection;
  }
}

/** A runner test bed opened before each test and closed after it. */
export function useRunnerTestBed(poolSize: number): RunnerTestBed {
  const bed = new RunnerTestBed(poolSize);
  beforeEach(() => bed.open());
  afterEach(() => bed.close());
  return bed;
}
