import { Inject, Injectable, Logger } from '@nestjs/common';
import { ADVISORY_LOCK_NAMESPACE } from '@agentry/event-store';
import { LoopProgress, withTimeout } from '@agentry/service-kit';
import { EXECUTOR_CONFIG, type ExecutorConfig } from '../config.js';
import { ContainerStreams } from '../containers/container-streams.js';
import { ContainersLookup } from '../containers/read-model/containers.lookup.js';
import { Heartbeats } from '../runs/heartbeats.js';
import { LivePublisher } from '../runs/live-publisher.js';
import { LeaderSession } from './leader-session.js';
import { reaperTimings, type ReaperTimings } from './reaper-timings.js';

/** pg advisory lock (namespace, key) of the reaper's leader: one replica reaps at a time. */
const REAPER_LOCK = [ADVISORY_LOCK_NAMESPACE.executorReaper, 1] as const;
const logger = new Logger('ExecutorLostReaper');

/**
 * Ends the running containers whose executor died: their heartbeat (rewritten every quarter of the
 * TTL) has expired. One leader across replicas (a Postgres session lock, released when its
 * connection dies, or when the leader stops talking on it: see LeaderSession). A container is
 * reaped within about TTL + TTL/2 of its executor's last beat; its retry, if the agent allows one,
 * follows from the ContainerEnded event.
 *
 * Never wedged by a hung call: every network await has a timeout, and a sweep that overruns its
 * deadline is abandoned (the leader session is dropped, as it may be the thing that hangs) so the
 * next sweep starts afresh. `progress` says when one last completed (health, metrics).
 */
@Injectable()
export class ExecutorLostReaper {
  private readonly session: LeaderSession;
  private readonly timings: ReaperTimings;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** Moves at each completed sweep (leader or not): health reports a reaper that stops completing them. */
  readonly progress = new LoopProgress('executor-lost-reaper');

  constructor(
    @Inject(EXECUTOR_CONFIG) private readonly config: ExecutorConfig,
    private readonly live: LivePublisher,
    private readonly lookup: ContainersLookup,
    private readonly heartbeats: Heartbeats,
    private readonly streams: ContainerStreams,
  ) {
    this.timings = reaperTimings(config.heartbeatTtlMs);
    this.session = new LeaderSession(config.databaseUrl, REAPER_LOCK, this.timings, 'agentry-executor-reaper');
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.timings.sweepEveryMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
    await this.session.drop();
  }

  /** One sweep at a time; a sweep past its deadline is given up (it cannot hold the next ones back). */
  private tick(): void {
    if (this.inFlight) return;
    this.inFlight = withTimeout(this.reap(), this.timings.sweepDeadlineMs, 'executor-lost sweep')
      .then(() => this.progress.progressed())
      .catch(async (error: Error) => {
        logger.warn(`sweep failed: ${error.message}`);
        // The session may be what hangs: stand down; the next sweep campaigns on a new one.
        await this.session.drop();
      })
      .finally(() => (this.inFlight = undefined));
  }

  private async reap(): Promise<void> {
    if (!(await this.session.lead())) return;
    const { callTimeoutMs } = this.timings;
    // Started more than a TTL ago: a live run has beaten by now (its first beat precedes its start).
    const running = await withTimeout(this.lookup.running(Date.now() - this.config.heartbeatTtlMs), callTimeoutMs, 'running containers query');
    for (const row of running) {
      if (await withTimeout(this.heartbeats.alive(row.containerId), callTimeoutMs, 'heartbeat read')) continue;
      // An abort nobody could carry out (its executor was gone) still ends it as cancelled, not retried.
      const end = this.streams.end(row.containerId, (state) => (state.abort ? { kind: 'cancelled' } : { kind: 'executor-lost' }));
      const { ended, endedHere } = await withTimeout(end, callTimeoutMs, 'executor-lost end');
      if (!endedHere) continue;
      logger.warn(`container ${row.containerId} (agent ${row.agentId}): executor ${row.executorId ?? '?'} lost`);
      this.live.publish({ type: 'status', containerId: row.containerId, status: 'ended', exitCode: null, endMessage: ended?.endMessage });
    }
  }
}
