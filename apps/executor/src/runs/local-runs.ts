import { Injectable } from '@nestjs/common';
import type { AbortBroadcast } from '@agentry/contracts';
import type { RunningProcess } from '../process/index.js';
import type { SlotLease } from './agent-slots.js';

/** A soft abort lets the script notice (getTimeLeft() → -1) and finish its work for this long before the kill. */
export const SOFT_ABORT_GRACE_MS = 5000;

/** A container this replica runs. */
export class LocalRun {
  process: RunningProcess | null = null;
  /** Set once: why the run is being stopped from outside. */
  stop: { reason: 'abort' | 'shutdown'; soft: boolean } | null = null;

  constructor(
    readonly containerId: number,
    readonly agentId: number,
    readonly orgId: number,
    readonly slot: SlotLease,
    /** The org's fair-share slot (refreshed with the agent's; released by the LaunchWorker once the run has ended). */
    readonly orgSlot: SlotLease | null = null,
  ) {}

  attach(process: RunningProcess): void {
    this.process = process;
    if (this.stop) this.kill();
  }

  requestStop(reason: 'abort' | 'shutdown', soft = false): void {
    if (this.stop) return;
    this.stop = { reason, soft };
    this.kill();
  }

  private kill(): void {
    this.process?.abort(this.stop!.soft ? { soft: true, graceMs: SOFT_ABORT_GRACE_MS } : {});
  }
}

/** The containers running on this replica, registered before their start is recorded. */
@Injectable()
export class LocalRuns {
  private readonly runs = new Map<number, LocalRun>();
  private shuttingDown = false;

  add(run: LocalRun): void {
    this.runs.set(run.containerId, run);
    if (this.shuttingDown) run.requestStop('shutdown');
  }

  /** The executor is going away: stop every run, and any that registers from now on. */
  stopAll(): void {
    this.shuttingDown = true;
    for (const run of this.runs.values()) run.requestStop('shutdown');
  }

  remove(containerId: number): void {
    this.runs.delete(containerId);
  }

  get(containerId: number): LocalRun | undefined {
    return this.runs.get(containerId);
  }

  all(): LocalRun[] {
    return [...this.runs.values()];
  }

  /** Aborts the local runs an abort broadcast names. */
  abort(message: AbortBroadcast): number[] {
    const hit = this.all().filter((run) => run.agentId === message.agentId && (!message.containerIds || message.containerIds.includes(run.containerId)));
    for (const run of hit) run.requestStop('abort', message.soft);
    return hit.map((run) => run.containerId);
  }
}
