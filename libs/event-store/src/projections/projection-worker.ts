import type { DataSource } from 'typeorm';
import { compareLogPositions } from '../log-position.js';
import { readLogPage, type LogPage } from '../log-reader.js';
import type { LogPosition, StoredEvent } from '../types.js';
import { ParkedEvents } from '../parking/parked-events.js';
import { applyEvents } from './apply-events.js';
import { advanceCheckpoint, loadCheckpoint } from './checkpoints.js';
import { BatchApplyFailed, EventApplyFailed, PoisonedEventError, projectionAccepts, type Projection } from './projection.js';

export interface WorkerOptions {
  batchSize: number;
  /** Retry delay when committed events wait behind an open older transaction. */
  heldBackRetryMs: number;
  errorRetryMs: number;
  onError(error: unknown, projection: string): void;
  onAdvanced(projection: string): void;
  /** An event was parked (the checkpoint moved past it) or a parked one was replayed. */
  onParking(message: string): void;
  /**
   * How long the checkpoint may stay ahead of its stored row after pages without this projection's types
   * (default 0: stored at once). Only other replicas' `waitFor` and a restart read the stored row, and a
   * restart that re-reads pages it had no use for applies nothing.
   */
  checkpointSaveDelayMs?: number;
  /** Moves the checkpoint row outside a batch (default: advanceCheckpoint); a runner writes its workers' moves together. */
  advanceCheckpoint?: (name: string, from: LogPosition, to: LogPosition) => Promise<boolean>;
  /** Events are held back behind an open transaction (default: this worker looks again after heldBackRetryMs); a runner wakes all its workers at once. */
  onHeldBack?: () => void;
  /** Reads a page of the log (default: this projection's types only); a runner shares one read among its workers. */
  readPage?: (from: LogPosition, limit: number) => Promise<LogPage>;
}

class FencedOut extends Error {}

/**
 * Keeps one projection up to date while this instance leads it: reads batches after the
 * checkpoint, applies each batch and moves the checkpoint in one transaction (fenced: the move
 * fails if another instance moved it meanwhile, rolling the batch back).
 */
export class ProjectionWorker {
  /** Where this worker is in the log (ahead of `stored` after pages it had nothing to apply from). */
  private checkpoint: LogPosition | undefined;
  /** The checkpoint row as this worker last read or wrote it: the fence of its next write. */
  private stored: LogPosition | undefined;
  private saveRequested = false;
  private saveTimer: NodeJS.Timeout | undefined;
  private leading = false;
  private wakeRequested = false;
  private draining: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private batchStartedAt: number | undefined;
  /** Failed attempts per event id since the last batch that committed (projections with a parking policy). */
  private readonly failures = new Map<string, number>();
  /** Events to park in the next batch: id → why, after how many attempts. */
  private readonly toPark = new Map<string, { reason: string; attempts: number }>();
  private replaysRequested = false;
  /** The next page, being read while the current one is applied (catch-up). */
  private prefetched: { from: LogPosition; page: Promise<LogPage> } | undefined;
  /** The last batch failed (set-based batches are then retried one event at a time when parking is on). */
  private batchFailed = false;
  /** Events this worker parked since it started (for the log; the table has them all). */
  private parkedCount = 0;
  private readonly parked: ParkedEvents;

  constructor(
    private readonly dataSource: DataSource,
    readonly projection: Projection,
    private readonly options: WorkerOptions,
  ) {
    this.parked = new ParkedEvents(dataSource);
  }

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
    this.stored = undefined;
    this.leading = true;
    this.wake();
  }

  abdicate(): void {
    this.leading = false;
    clearTimeout(this.retryTimer);
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.saveRequested = false;
  }

  /** Resolves when no batch is in flight. */
  async idle(): Promise<void> {
    await this.draining;
  }

  /** Looks for replays of this projection's parked events on the next drain (called on the slow poll). */
  checkReplays(): void {
    if (!this.projection.parking) return;
    this.replaysRequested = true;
    this.wake();
  }

  wake(): void {
    this.wakeRequested = true;
    this.kick();
  }

  /** Starts draining (reads and checkpoint saves, one at a time) unless it is going on already. */
  private kick(): void {
    if (this.draining || !this.leading) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if ((this.wakeRequested || this.saveRequested) && this.leading) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.leading && (this.wakeRequested || this.saveRequested)) {
      try {
        if (this.saveRequested) {
          this.saveRequested = false;
          await this.saveCheckpoint();
        }
        if (!this.wakeRequested) continue;
        this.wakeRequested = false;
        if (this.replaysRequested) {
          this.replaysRequested = false;
          await this.replayParked();
        }
        this.batchStartedAt = Date.now();
        const { count, heldBack } = await this.runBatch().finally(() => (this.batchStartedAt = undefined));
        if (count === this.options.batchSize) this.wakeRequested = true;
        else if (heldBack) {
          if (this.options.onHeldBack) this.options.onHeldBack();
          else this.wakeLater(this.options.heldBackRetryMs);
        }
      } catch (error) {
        // Whatever failed, the stored checkpoint is the truth to continue from (another instance
        // may have applied this batch: a read-model conflict is then just a symptom of that).
        this.checkpoint = undefined;
        this.stored = undefined;
        if (error instanceof FencedOut) {
          this.wakeRequested = true;
          continue;
        }
        this.options.onError(error, this.projection.name);
        this.batchFailed = true;
        if (this.decideParking(error) || (error instanceof BatchApplyFailed && this.projection.parking)) {
          this.wakeRequested = true; // park it now / find the event at fault now, no need to wait
          continue;
        }
        this.wakeLater(this.options.errorRetryMs);
      }
    }
  }

  private async runBatch(): Promise<{ count: number; heldBack: boolean }> {
    const { name } = this.projection;
    if (!this.checkpoint) this.checkpoint = this.stored = await loadCheckpoint(this.dataSource, name);
    const from = this.checkpoint;
    const { events, scanned, end, heldBack } = await this.readPage(from);
    if (!end) return { count: 0, heldBack };
    // A full page: more is waiting (catch-up). Read the next page on another connection while this one is
    // applied, so Postgres producing rows and this process folding them overlap.
    if (scanned === this.options.batchSize) this.prefetch(end);

    const to = end;
    const parkedNow: string[] = [];
    if (this.nothingToApply(events)) {
      // Most pages a live projection reads hold none of its event types (every run's events wake every
      // projection of every service): the checkpoint then moves in memory, and its row a moment later in
      // one fenced statement covering every such page meanwhile — not a transaction per page (START +
      // UPDATE + COMMIT was ~30 round trips per launched run across the services).
      this.checkpoint = to;
      this.scheduleSave();
    } else {
      await this.applyAndAdvance(events, this.stored!, to, parkedNow);
      this.stored = to;
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    for (const message of parkedNow) this.options.onParking(`${message} (${this.parkedCount} parked here since start; npm run parked -- list)`);
    this.toPark.clear();
    this.failures.clear();
    this.batchFailed = false;
    this.checkpoint = to;
    this.options.onAdvanced(name);
    return { count: scanned, heldBack: scanned < this.options.batchSize && heldBack };
  }

  private scheduleSave(): void {
    const delay = this.options.checkpointSaveDelayMs ?? 0;
    if (delay === 0) {
      this.saveRequested = true; // the drain loop saves before it reads on
      return;
    }
    // Due at the next multiple of the delay on the clock, so a runner's workers save in the same turn
    // (and their moves share one statement).
    this.saveTimer ??= setTimeout(
      () => {
        this.saveTimer = undefined;
        this.saveRequested = true;
        this.kick();
      },
      delay - (Date.now() % delay),
    );
  }

  /** Writes the checkpoint's row when it is behind, fenced by the row as this worker last knew it. */
  private async saveCheckpoint(): Promise<void> {
    const { checkpoint, stored } = this;
    if (!checkpoint || !stored || compareLogPositions(checkpoint, stored) === 0) return;
    const advance = this.options.advanceCheckpoint ?? ((name, from, to) => advanceCheckpoint(this.dataSource, name, from, to));
    if (!(await advance(this.projection.name, stored, checkpoint))) {
      throw new FencedOut(`${this.projection.name}: checkpoint moved by another instance`);
    }
    this.stored = checkpoint;
  }

  /** No event of the page is one the projection applies (nor one to park). */
  private nothingToApply(events: StoredEvent[]): boolean {
    return this.toPark.size === 0 && !events.some((event) => projectionAccepts(this.projection, event));
  }

  /** Applies the page's events and moves the checkpoint in one transaction. */
  private async applyAndAdvance(events: StoredEvent[], from: LogPosition, to: LogPosition, parkedNow: string[]): Promise<void> {
    const { name } = this.projection;
    await this.dataSource.transaction(async (manager) => {
      const skip = async (event: StoredEvent) => {
        const park = this.toPark.get(event.eventId);
        if (!park) return false;
        await this.parked.park({ consumer: name, event, ...park }, manager);
        parkedNow.push(`${name}: parked event ${event.eventId} (${event.type}) after ${park.attempts} failed attempt(s): ${park.reason}`);
        this.parkedCount += 1;
        return true;
      };
      // A failed set-based batch names no event: with a parking policy, retry it one event at a time so the
      // poisoned one is found, counted and parked; the next committed batch goes back to set-based writes.
      await applyEvents(this.projection, events, manager, {
        ...(this.toPark.size > 0 ? { skip } : {}),
        oneByOne: this.batchFailed && this.projection.parking !== undefined,
      });
      if (!(await advanceCheckpoint(manager, name, from, to))) throw new FencedOut(`${name}: checkpoint moved by another instance`);
    });
  }

  /** The page after `from`: the one prefetched for it when there is one (a page stays a valid prefix of the log after it). */
  private readPage(from: LogPosition): Promise<LogPage> {
    const prefetched = this.prefetched;
    this.prefetched = undefined;
    if (prefetched && compareLogPositions(prefetched.from, from) === 0) return prefetched.page;
    return this.readFrom(from);
  }

  private readFrom(from: LogPosition): Promise<LogPage> {
    const { readPage, batchSize } = this.options;
    return readPage ? readPage(from, batchSize) : readLogPage(this.dataSource, from, batchSize, this.projection.eventTypes);
  }

  private prefetch(from: LogPosition): void {
    const page = this.readFrom(from);
    page.catch(() => undefined); // a failed read surfaces when the page is used (or is dropped with it)
    this.prefetched = { from, page };
  }

  /**
   * Counts a failed apply against its event; true when the event is now to be parked (poisoned, or failed
   * `maxAttempts` times for reasons that are not transient).
   */
  private decideParking(error: unknown): boolean {
    const policy = this.projection.parking;
    if (!policy || !(error instanceof EventApplyFailed)) return false;
    const { event, cause } = error;
    const poisoned = cause instanceof PoisonedEventError;
    if (!poisoned && policy.isTransient?.(cause)) return false;
    const attempts = (this.failures.get(event.eventId) ?? 0) + 1;
    this.failures.set(event.eventId, attempts);
    if (!poisoned && attempts < policy.maxAttempts) return false;
    this.toPark.set(event.eventId, { reason: cause instanceof Error ? cause.message : String(cause), attempts });
    return true;
  }

  /** Applies (through `replay`) the parked events an operator asked to replay; a failure leaves them parked. */
  private async replayParked(): Promise<void> {
    const { projection } = this;
    for (const entry of await this.parked.claimReplays(projection.name)) {
      const event = await this.parked.readEvent(entry.eventId);
      try {
        if (!event) throw new Error(`event ${entry.eventId} is not in the log`);
        await this.dataSource.transaction(async (manager) => {
          await (projection.replay ?? projection.apply).call(projection, event, manager);
          await this.parked.resolve(entry.id, manager);
        });
        this.options.onParking(`${projection.name}: replayed parked event ${entry.eventId} (${entry.eventType})`);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        await this.parked.replayFailed(entry.id, reason);
        this.options.onParking(`${projection.name}: replay of parked event ${entry.eventId} (${entry.eventType}) failed again: ${reason}`);
      }
    }
  }

  private wakeLater(delayMs: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.wake(), delayMs);
  }
}
