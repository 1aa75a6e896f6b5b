import { Inject, Injectable, Logger } from '@nestjs/common';
import { EXECUTOR_CONFIG, type ExecutorConfig } from '../config.js';
import { ContainersLookup } from '../containers/read-model/containers.lookup.js';
import { AgentSlots } from './agent-slots.js';
import { Heartbeats } from './heartbeats.js';
import { LocalRuns } from './local-runs.js';

const logger = new Logger('KeepAlive');

/**
 * Every third of the lease TTL: rewrites the heartbeat and parallelism slot of each local run, and
 * applies aborts on record that the broadcast did not deliver (core NATS is at most once).
 */
@Injectable()
export class KeepAlive {
  private timer: NodeJS.Timeout | undefined;
  private tick: Promise<void> = Promise.resolve();

  constructor(
    @Inject(EXECUTOR_CONFIG) private readonly config: ExecutorConfig,
    private readonly localRuns: LocalRuns,
    private readonly heartbeats: Heartbeats,
    private readonly slots: AgentSlots,
    private readonly lookup: ContainersLookup,
  ) {}

  start(): void {
    const every = Math.max(200, Math.floor(this.config.heartbeatTtlMs / 3));
    this.timer = setInterval(() => {
      this.tick = this.tick.then(() => this.refresh());
    }, every);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.tick;
  }

  private async refresh(): Promise<void> {
    const runs = this.localRuns.all();
    if (runs.length === 0) return;
    const results = await Promise.allSettled(runs.flatMap((run) => [this.heartbeats.beat(run.containerId), this.slots.refresh(run.slot)]));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) logger.warn(`lease refresh failed: ${(failed.reason as Error).message}`);
    try {
      for (const row of await this.lookup.abortRequested(runs.map((r) => r.containerId))) {
        this.localRuns.get(row.containerId)?.requestStop('abort', row.abortSoft);
      }
    } catch (error) {
      logger.warn(`abort check failed: ${(error as Error).message}`);
    }
  }
}
