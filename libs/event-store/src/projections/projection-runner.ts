import { EventEmitter } from 'node:events';
import { DomainError, ErrorCode } from '@agentry/contracts';
import type { DataSource } from 'typeorm';
import { compareLogPositions } from '../log-position.js';
import { lastCommittedPosition } from '../log-reader.js';
import { CHECKPOINTS_CHANNEL, EVENTS_CHANNEL } from '../schema-names.js';
import type { LogPosition } from '../types.js';
import { checkpointsReached } from './checkpoints.js';
import { LeadershipSession } from './leadership-session.js';
import type { Projection } from './projection.js';
import { ProjectionWorker } from './projection-worker.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import { SharedPageReader } from './shared-page-reader.js';

export interface ProjectionRunnerOptions {
  /** Events per transaction, for every projection (default: the projection's own batchSize, else 1000). */
  batchSize?: number;
  /** Slow poll besides LISTEN/NOTIFY (default 2000 ms). */
  pollIntervalMs?: number;
  /** How often a non-leader tries to take over, and a lost connection is reopened (default 3000 ms). */
  leadershipRetryMs?: number;
  /** Default: console.error. */
  onError?: (error: unknown, projection: string) => void;
  /** Parking news (an event parked, a replay done or failed). Default: console.warn. */
  onParking?: (message: string) => void;
}

const DEFAULTS = { batchSize: 1000, pollIntervalMs: 2000, leadershipRetryMs: 3000 };
const HELD_BACK_RETRY_MS = 20;
const ERROR_RETRY_MS = 1000;
const WAIT_FOR_POLL_MS = 200;
/**
 * A projection's checkpoint row follows pages it had nothing to apply from at most this late: waitFor on
 * this instance reads the leaders' checkpoints in memory; on another replica it waits up to this long more.
 */
const CHECKPOINT_SAVE_DELAY_MS = 200;
const DEFAULT_WAIT_TIMEOUT_MS = 10_000;

/**
 * Runs projections with one active instance each across replicas: leadership per projection is a
 * pg advisory lock on this runner's dedicated connection; non-leaders retry every few seconds and
 * take over when the leader's connection goes away. Leaders wake on NOTIFY from appends plus a
 * slow poll.
 */
export class ProjectionRunner {
  private readonly workers: ProjectionWorker[];
  private readonly settings: Required<Omit<ProjectionRunnerOptions, 'onError' | 'onParking'>>;
  private readonly onError: (error: unknown, projection: string) => void;
  private readonly checkpointMoved = new EventEmitter().setMaxListeners(0);
  private session: LeadershipSession | undefined;
  private campaign: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];
  private heldBackTimer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly dataSource: DataSource,
    projections: Projection[],
    options: ProjectionRunnerOptions = {},
  ) {
    const names = projections.map((p) => p.name);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) throw new Error(`two projections are named ${duplicate}`);
    this.settings = { ...DEFAULTS, ...withoutUndefined(options) } as Required<Omit<ProjectionRunnerOptions, 'onError' | 'onParking'>>;
    this.onError = options.onError ?? ((error, projection) => console.error(`[projections] ${projection}:`, error instanceof Error ? error.message : error));
    const pages = new SharedPageReader(dataSource, projections);
    const checkpoints = new CheckpointWriter(dataSource);
    this.workers = projections.map(
      (projection) =>
        new ProjectionWorker(dataSource, projection, {
          batchSize: options.batchSize ?? projection.batchSize ?? DEFAULTS.batchSize,
          heldBackRetryMs: HELD_BACK_RETRY_MS,
          errorRetryMs: ERROR_RETRY_MS,
          onError: this.onError,
          onAdvanced: () => this.checkpointMoved.emit('moved'),
          onParking: options.onParking ?? ((message) => console.warn(`[projections] ${message}`)),
          readPage: (from, limit) => pages.read(from, limit),
          checkpointSaveDelayMs: CHECKPOINT_SAVE_DELAY_MS,
          advanceCheckpoint: (name, from, to) => checkpoints.advance(name, from, to),
          // One look again for all: the projections at the same checkpoint share its read.
          onHeldBack: () => {
            this.heldBackTimer ??= setTimeout(() => {
              this.heldBackTimer = undefined;
              this.wakeLeaders();
            }, HELD_BACK_RETRY_MS);
          },
        }),
    );
  }

  /** Connects (throws when the database is unreachable) and takes the leadership it can get. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      this.session = await this.openSession();
    } catch (error) {
      this.running = false;
      throw error;
    }
    await this.campaignOnce();
    this.timers = [
      setInterval(() => void this.campaignOnce(), this.settings.leadershipRetryMs),
      setInterval(() => {
        for (const worker of this.workers) if (worker.isLeading) worker.checkReplays();
        this.wakeLeaders();
      }, this.settings.pollIntervalMs),
    ];
  }

  /** Stops applying, waits for batches in flight, and gives up leadership. */
  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    clearTimeout(this.heldBackTimer);
    this.heldBackTimer = undefined;
    await this.campaign;
    for (const worker of this.workers) worker.abdicate();
    await Promise.all(this.workers.map((worker) => worker.idle()));
    await this.session?.close();
    this.session = undefined;
  }

  /** Names of the projections this runner runs (leading or not). */
  projectionNames(): string[] {
    return this.workers.map((w) => w.projection.name);
  }

  /** Names of the projections this instance currently leads. */
  leading(): string[] {
    return this.workers.filter((w) => w.isLeading).map((w) => w.projection.name);
  }

  /** Batches being applied now and for how long (health flags one in flight too long as wedged). */
  batchesInFlight(): { projection: string; forMs: number }[] {
    const now = Date.now();
    return this.workers.flatMap((w) => {
      const forMs = w.batchInFlightMs(now);
      return forMs === undefined ? [] : [{ projection: w.projection.name, forMs }];
    });
  }

  /**
   * Resolves when every projection's stored checkpoint is at or after `position` (works on
   * replicas that lead nothing). Rejects with SERVICE_UNAVAILABLE after timeoutMs (default 10 s).
   */
  async waitFor(position: LogPosition, options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    const names = this.workers.map((w) => w.projection.name);
    for (;;) {
      if (this.leadersReached(position) || (await checkpointsReached(this.dataSource, names, position))) return;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `read models did not catch up with the log within ${timeoutMs} ms`);
      }
      await this.nextCheckpointMove(Math.min(remaining, WAIT_FOR_POLL_MS));
    }
  }

  /**
   * Resolves once every projection applied every event committed before the call: for a reader that must see
   * what another service recorded just before it asked (a launch answers before the read models have its container).
   */
  async waitForCommitted(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.waitFor(await lastCommittedPosition(this.dataSource), options);
  }

  /** Whether every projection has applied `position` now (no waiting): waitFor's check, for callers that go on either way. */
  async hasReached(position: LogPosition): Promise<boolean> {
    return this.leadersReached(position) || (await checkpointsReached(this.dataSource, this.projectionNames(), position));
  }

  /** Answered from memory when this instance leads every projection. */
  private leadersReached(position: LogPosition): boolean {
    return this.workers.every((worker) => {
      const checkpoint = worker.leaderCheckpoint;
      return checkpoint !== undefined && compareLogPositions(checkpoint, position) >= 0;
    });
  }

  private nextCheckpointMove(maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.checkpointMoved.off('moved', done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      this.checkpointMoved.on('moved', done);
    });
  }

  private campaignOnce(): Promise<void> {
    this.campaign ??= this.campaignForLeadership().finally(() => (this.campaign = undefined));
    return this.campaign;
  }

  private async campaignForLeadership(): Promise<void> {
    if (!this.running) return;
    try {
      this.session ??= await this.openSession();
      for (const worker of this.workers) {
        if (!this.running) return;
        if (!worker.isLeading && (await this.session.tryLock(worker.projection.name))) worker.lead();
      }
    } catch (error) {
      this.onError(error, 'leadership');
    }
  }

  private openSession(): Promise<LeadershipSession> {
    const session = LeadershipSession.open(this.dataSource, {
      onNotification: (channel) => {
        if (channel === EVENTS_CHANNEL) this.wakeLeaders();
        else if (channel === CHECKPOINTS_CHANNEL) this.checkpointMoved.emit('moved');
      },
      onLost: (error) => {
        // Our locks died with the connection: stop applying now; another instance may lead already.
        for (const worker of this.workers) worker.abdicate();
        void session.then((lost) => lost.close()).catch(() => undefined);
        this.session = undefined;
        if (this.running) this.onError(error, 'leadership');
      },
    });
    return session;
  }

  private wakeLeaders(): void {
    for (const worker of this.workers) if (worker.isLeading) worker.wake();
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
