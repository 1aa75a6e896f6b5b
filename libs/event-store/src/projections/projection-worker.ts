import type { DataSource } from 'typeorm';
import { positionOf } from '../log-position.js';
import { hasEventsHeldBack, readLog } from '../log-reader.js';
import type { LogPosition } from '../types.js';
import { applyEvents } from './apply-events.js';
import { advanceCheckpoint, loadCheckpoint } from './checkpoints.js';
import type { Projection } from './projection.js';

export interface WorkerOptions {
  batchSize: number;
  /** Retry delay when committed events wait behind an open older transaction. */
  heldBackRetryMs: number;
  errorRetryMs: number;
  onError(error: unknown, projection: string): void;
  onAdvanced(projection: string): void;
}

class FencedOut extends Error {}

/**
 * Keeps one projection up to date while this instance leads it: reads batches after the
 * checkpoint, applies each batch and moves the checkpoint in one transaction (fenced: the move
 * fails if another instance moved it meanwhile, rolling the batch back).
 */
export class ProjectionWorker {
  private checkpoint: LogPosition | undefined;
  private leading = false;
  private wakeRequested = false;
  private draining: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private batchStartedAt: number | undefined;

  constructor(
    private readonly dataSource: DataSource,
    readonly projection: Projection,
    private readonly options: WorkerOptions,
  ) {}

  get isLeading(): boolean {
    return this.leading;
  }

  /** Checkpoint as of the last batch this instance committed (undefined unless leading). */
  get leaderCheckpoint(): LogPosition | undefined {
    return this.leading ? this.checkpoint : undefined;
  }

  /** How long the batch being applied has been in flight (undefined when idle): health reports a wedged one. */
  batchInFlightMs(now = Date.now()): number | undefined {
    return this.batchStartedAt === undefined ? undefined : now - this.batchStartedAt;
  }

  /** Starts applying from the stored checkpoint (the caller holds the leadership lock). */
  lead(): void {
    this.checkpoint = undefined;
    this.leading = true;
    this.wake();
  }

  abdicate(): void {
    this.leading = false;
    clearTimeout(this.retryTimer);
  }

  /** Resolves when no batch is in flight. */
  async idle(): Promise<void> {
    await this.draining;
  }

  wake(): void {
    this.wakeRequested = true;
    if (this.draining || !this.leading) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.wakeRequested && this.leading) this.wake();
    });
  }

  private async drain(): Promise<void> {
    while (this.leading && this.wakeRequested) {
      this.wakeRequested = false;
      try {
        this.batchStartedAt = Date.now();
        const { count, heldBack } = await this.runBatch().finally(() => (this.batchStartedAt = undefined));
        if (count === this.options.batchSize) this.wakeRequested = true;
        else if (heldBack) this.wakeLater(this.options.heldBackRetryMs);
      } catch (error) {
        // Whatever failed, the stored checkpoint is the truth to continue from (another instance
        // may have applied this batch: a read-model conflict is then just a symptom of that).
        this.checkpoint = undefined;
        if (error instanceof FencedOut) {
          this.wakeRequested = true;
          continue;
        }
        this.options.onError(error, this.projection.name);
        this.wakeLater(this.options.errorRetryMs);
      }
    }
  }

  private async runBatch(): Promise<{ count: number; heldBack: boolean }> {
    const { name } = this.projection;
    const from = (this.checkpoint ??= await loadCheckpoint(this.dataSource, name));
    const events = await readLog(this.dataSource, from, this.options.batchSize);
    if (events.length === 0) return { count: 0, heldBack: await hasEventsHeldBack(this.dataSource, from) };

    const to = positionOf(events[events.length - 1]);
    await this.dataSource.transaction(async (manager) => {
      await applyEvents(this.projection, events, manager);
      if (!(await advanceCheckpoint(manager, name, from, to))) throw new FencedOut(`${name}: checkpoint moved by another instance`);
    });
    this.checkpoint = to;
    this.options.onAdvanced(name);
    const heldBack = events.length < this.options.batchSize && (await hasEventsHeldBack(this.dataSource, to));
    return { count: events.length, heldBack };
  }

  private wakeLater(delayMs: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.wake(), delayMs);
  }
}
