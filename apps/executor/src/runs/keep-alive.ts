import { Inject, Injectable, Logger } from '@nestjs/common';
import { LoopProgress, withTimeout } from '@agentry/service-kit';
import { EXECUTOR_CONFIG, type ExecutorConfig } from '../config.js';
import { ContainersLookup } from '../containers/read-model/containers.lookup.js';
import { AgentSlots } from './agent-slots.js';
import { Heartbeats } from './heartbeats.js';
import { LocalRuns } from './local-runs.js';

const logger = new Logger('KeepAlive');

export interface KeepAliveTimings {
  /** How often a tick starts (rewrites every lease of the replica's runs). */
  everyMs: number;
  /** How long a tick may take before it is given up (its writes may still land) and the next one may start. */
  tickDeadlineMs: number;
}

/**
 * everyMs < tickDeadlineMs < TTL/2, so that one stuck tick never costs a live run its heartbeat.
 * A tick in flight makes the next ones skip: with a beat landed at 0, a tick started at `every` that
 * hangs frees the loop at `every + deadline`, and the next tick starts at the first multiple of
 * `every` after that, 3 × TTL/4 here, still a quarter of the TTL before expiry. The former
 * TTL/3 interval with a deadline of one interval (1 s at least) put that next tick at the expiry
 * itself (2 s TTL: stuck at 0.67 s, freed at 1.67 s, next at 2 s): a replica slowed down by a loaded
 * machine had its live runs reaped as "executor lost" and retried beside themselves.
 * The deadline stays above the interval: a write slower than a beat period on a busy machine is not
 * a hang, and giving up sooner would only start another write behind it.
 */
export function keepAliveTimings(heartbeatTtlMs: number): KeepAliveTimings {
  const everyMs = Math.max(200, Math.floor(heartbeatTtlMs / 4));
  return { everyMs, tickDeadlineMs: Math.max(everyMs + 1, Math.floor(heartbeatTtlMs / 3)) };
}

/**
 * Every quarter of the lease TTL: rewrites the heartbeat, the agent slot and the org slot of each
 * local run, applies aborts on record that the broadcast did not deliver (core NATS is at most
 * once), and stops local runs whose container has ended elsewhere (the reaper ended it while this
 * replica could not beat, e.g. cut off from NATS: it is retried elsewhere, so it must not also go
 * on here).
 *
 * A tick never blocks the next ones for long: it has a deadline (each KV write has its own, the
 * same), and a tick still in flight is skipped rather than queued behind. See keepAliveTimings.
 */
@Injectable()
export class KeepAlive {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** Moves at each completed tick: health reports beats that stop completing (runs about to be reaped). */
  readonly progress = new LoopProgress('executor-keep-alive');

  constructor(
    @Inject(EXECUTOR_CONFIG) private readonly config: ExecutorConfig,
    private readonly localRuns: LocalRuns,
    private readonly heartbeats: Heartbeats,
    private readonly slots: AgentSlots,
    private readonly lookup: ContainersLookup,
  ) {}

  private get timings(): KeepAliveTimings {
    return keepAliveTimings(this.config.heartbeatTtlMs);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.timings.everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }

  private tick(): void {
    if (this.inFlight) return;
    const deadline = this.timings.tickDeadlineMs;
    this.inFlight = withTimeout(this.refresh(deadline), deadline, 'lease refresh')
      .then(() => this.progress.progressed())
      .catch((error: Error) => logger.warn(error.message))
      .finally(() => (this.inFlight = undefined));
  }

  private async refresh(callTimeoutMs: number): Promise<void> {
    const runs = this.localRuns.all();
    if (runs.length === 0) return;
    const writes = runs.flatMap((run) => [
      this.heartbeats.beat(run.containerId),
      this.slots.refresh(run.slot),
      ...(run.orgSlot ? [this.slots.refresh(run.orgSlot)] : []),
    ]);
    const results = await Promise.allSettled(writes.map((write) => withTimeout(write, callTimeoutMs, 'lease write')));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) logger.warn(`lease refresh failed: ${(failed.reason as Error).message}`);
    try {
      const ids = runs.map((r) => r.containerId);
      for (const row of await withTimeout(this.lookup.abortRequested(ids), callTimeoutMs, 'abort check')) {
        this.localRuns.get(row.containerId)?.requestStop('abort', row.abortSoft);
      }
      for (const [containerId, phase] of await withTimeout(this.lookup.phases(ids), callTimeoutMs, 'phase check')) {
        const run = this.localRuns.get(containerId);
        // A run's own end is on record just before it leaves LocalRuns; stopping a process that has exited is a no-op.
        if (phase !== 'ended' || !run || run.stop) continue;
        logger.warn(`container ${containerId} has ended on record (reaped if this replica could not beat): its process here is stopped`);
        run.requestStop('abort');
      }
    } catch (error) {
      logger.warn(`abort check failed: ${(error as Error).message}`);
    }
  }
}
