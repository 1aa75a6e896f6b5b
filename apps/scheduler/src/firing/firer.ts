import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { compareLogPositions, ConcurrencyError, lastCommittedPosition, type EventStore, type LogPosition, type ProjectionRunner } from '@agentry/event-store';
import type { RpcClient } from '@agentry/messaging';
import type { Clock } from '../platform/clock.js';
import { ScheduleEventType, SCHEDULE_STREAM_TYPE, scheduleStreamId, type ScheduleFiredData } from '../schedules/schedule-events.js';
import { deleteExpired } from './expiry.js';
import { decideFire, type FireTiming } from './fire-decision.js';
import { findDue, type DueCursor, type DueRow } from './due-schedules.js';
import type { FirerLock } from './firer-lock.js';
import { countFire } from './firing-metrics.js';
import { launchThroughExecutor, scheduleIdempotencyKey } from './launcher.js';

const logger = new Logger('Firer');

const BATCH = 500;
/** Fires handled at once within a batch (each is an executor round trip). */
const CONCURRENCY = 32;
/** A replica without the lock asks for it this often, so a dead leader is replaced within seconds. */
const LEADERSHIP_RETRY_MS = 1000;

export interface FirerDeps {
  dataSource: DataSource;
  store: EventStore;
  projections: ProjectionRunner;
  rpc: RpcClient;
  lock: FirerLock;
  clock: Clock;
  timing: FireTiming;
  tickMs: number;
  /** Called after every tick, failed or not (health: a firer that stops ticking is wedged). */
  onTick?: () => void;
}

/**
 * The tick loop of the active firer. Only the lock holder fires; each fire is an idempotent executor launch
 * followed by a `ScheduleFired` append with the schedule stream's version as expected version. A paused
 * old leader that wakes up late therefore gets the same container back and a ConcurrencyError: it launches
 * nothing new and records nothing twice.
 */
export class Firer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private lastLockAttempt = -Infinity;
  private tickWaiters: (() => void)[] = [];
  /**
   * Where the read model must be before this leader fires: the log's end when it took the lead (undefined:
   * not looked up yet; null: reached). A read model still catching up after a start or a takeover shows
   * schedules whose later events (deleted, retired, already fired) it has not applied yet.
   */
  private catchUpTarget: LogPosition | null | undefined;

  constructor(private readonly deps: FirerDeps) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.deps.lock.release();
  }

  /** Whether this replica holds the firer lock now. */
  get leading(): boolean {
    return this.deps.lock.isHeld;
  }

  /** Resolves once a whole tick has run after this call (tests: "the firer has looked at the clock's current time"). */
  nextTick(): Promise<void> {
    return new Promise((resolve) => {
      // A tick in progress may have read the clock before the call: wait for the one after it.
      let skip = this.running !== null;
      const waiter = () => {
        if (skip) {
          skip = false;
          this.tickWaiters.push(waiter);
        } else resolve();
      };
      this.tickWaiters.push(waiter);
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((error: Error) => logger.warn(`tick failed: ${error.message}`))
        .finally(() => {
          this.running = null;
          this.deps.onTick?.();
          const waiters = this.tickWaiters.splice(0);
          for (const w of waiters) w();
          this.schedule(this.deps.tickMs);
        });
    }, delayMs);
  }

  private async tick(): Promise<void> {
    if (!(await this.lead()) || !(await this.readModelCaughtUp())) return;
    const now = this.deps.clock.now();
    const positions: LogPosition[] = [];
    let cursor: DueCursor | null = null;
    while (!this.stopped) {
      const due = await findDue(this.deps.dataSource, now + this.deps.timing.flexWindowMs, BATCH, cursor);
      for (let i = 0; i < due.length && !this.stopped; i += CONCURRENCY) {
        const settled = await Promise.all(due.slice(i, i + CONCURRENCY).map((row) => this.fire(row, now)));
        for (const p of settled) if (p) positions.push(p);
      }
      const last = due.at(-1);
      if (!last || due.length < BATCH) break;
      cursor = { nextFireAt: last.nextFireAt, agentId: last.agentId };
    }
    // The next tick must see these fires settled in the read model, or it would decide them again.
    const last = positions.sort(compareLogPositions).at(-1);
    if (last) await this.deps.projections.waitFor(last);
    if (!this.stopped) await deleteExpired(this.deps.dataSource, this.deps.rpc, now);
  }

  private async lead(): Promise<boolean> {
    if (this.deps.lock.isHeld) return true;
    const wallNow = Date.now();
    if (wallNow - this.lastLockAttempt < LEADERSHIP_RETRY_MS) return false;
    this.lastLockAttempt = wallNow;
    const held = await this.deps.lock.tryAcquire().catch(() => false);
    if (held) {
      logger.log('this replica fires schedules');
      this.catchUpTarget = undefined;
    }
    return held;
  }

  /**
   * True once the read model has applied every event committed when this replica took the lead. Checked
   * without waiting (ticks go on, firing starts with the first tick after it); a fixed target, so appends
   * arriving meanwhile never keep a busy platform from firing.
   */
  private async readModelCaughtUp(): Promise<boolean> {
    if (this.catchUpTarget === null) return true;
    this.catchUpTarget ??= await lastCommittedPosition(this.deps.dataSource);
    if (!(await this.deps.projections.hasReached(this.catchUpTarget))) return false;
    this.catchUpTarget = null;
    logger.log('read model caught up with the log: firing');
    return true;
  }

  /** Settles one due schedule; answers the position of its record, or null when nothing was recorded. */
  private async fire(row: DueRow, now: number): Promise<LogPosition | null> {
    const decision = decideFire(row, now, this.deps.timing);
    if (decision.action === 'wait') return null;
    let record: Pick<ScheduleFiredData, 'containerId' | 'outcome' | 'reason'>;
    if (decision.action === 'skip') {
      record = { containerId: null, outcome: 'skipped' };
    } else {
      try {
        const outcome = await launchThroughExecutor(this.deps.rpc, {
          orgId: row.orgId,
          agentId: row.agentId,
          launchedBy: row.launchedBy,
          launchType: row.launchType,
          idempotencyKey: scheduleIdempotencyKey(row.agentId, decision.plannedAt),
        });
        record = outcome.launched
          ? { containerId: outcome.containerId, outcome: 'launched' }
          : { containerId: null, outcome: 'refused', reason: outcome.reason };
      } catch (error) {
        logger.warn(`agent ${row.agentId}: launch of ${decision.plannedAt} failed, tried again next tick (${(error as Error).message})`);
        return null;
      }
    }
    const data: ScheduleFiredData = { agentId: row.agentId, plannedAt: decision.plannedAt, resumeAfter: decision.plannedAt, firedAt: now, ...record };
    try {
      const appended = await this.deps.store.append(scheduleStreamId(row.agentId), SCHEDULE_STREAM_TYPE, [{ type: ScheduleEventType.ScheduleFired, data }], {
        expectedVersion: row.scheduleVersion,
      });
      countFire(data.outcome, decision.plannedAt, now);
      return appended.position;
    } catch (error) {
      // Another firer settled this schedule first (the fence); its launch had the same key.
      if (error instanceof ConcurrencyError) return null;
      throw error;
    }
  }
}
