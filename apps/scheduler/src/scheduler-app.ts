import type { DataSource } from 'typeorm';
import { EventStore, type ProjectionRunner } from '@agentry/event-store';
import * as messaging from '@agentry/messaging';
import { bootService, defineService, LoopProgress, workerOf } from '@agentry/service-kit';
import { startAfterAgentLaunches } from './after-agent/after-agent-launches.js';
import type { SchedulerConfig } from './config.js';
import { Firer } from './firing/firer.js';
import { FirerLock } from './firing/firer-lock.js';
import { systemClock, type Clock } from './platform/clock.js';
import { SchedulerReadModel1764200000100 } from './schedules/scheduler-read-model.migration.js';
import { schedulesProjection } from './schedules/schedules.projection.js';

export interface RunningScheduler {
  dataSource: DataSource;
  projections: ProjectionRunner;
  /** Resolves once the firer has run a whole tick after the call (whether or not this replica leads). */
  nextTick(): Promise<void>;
  /** Whether this replica is the one firing (holds the firer lock). */
  isFiring(): boolean;
  close(): Promise<void>;
}

/** The scheduler's table and its read model of schedules: what its boot, its rebuild command and its tests share. */
export const schedulerService = defineService({
  name: 'scheduler',
  migrations: [SchedulerReadModel1764200000100],
  projections: () => [schedulesProjection],
});

export const schedulerDataSource = (databaseUrl: string): DataSource => schedulerService.dataSource(databaseUrl);

export const schedulerProjections = () => schedulerService.projections();

/**
 * Boots a scheduler replica through the service kit: schema, the schedules projection, the firer
 * loop and the after-agent consumer. Every replica keeps trying for the firer lock; one fires at a
 * time. It answers no requests, so it has no Nest app: the kit's logger install is what applies
 * LOG_LEVEL / LOG_FORMAT to every `new Logger(...)` here.
 */
export async function startScheduler(config: SchedulerConfig, opts: { clock?: Clock } = {}): Promise<RunningScheduler> {
  const firerProgress = new LoopProgress('firer');
  // Made by the workers callback, which has run by the time bootService answers.
  let firer!: Firer;
  const service = await bootService(schedulerService, config, {
    messaging,
    nats: { streams: [messaging.ensureEventsStream] },
    workers: ({ dataSource, projections, nc }) => {
      const rpc = new messaging.RpcClient(nc);
      firer = new Firer({
        dataSource,
        store: new EventStore(dataSource),
        projections,
        rpc,
        lock: new FirerLock(config.databaseUrl),
        clock: opts.clock ?? systemClock,
        timing: { flexWindowMs: config.flexWindowMs, missedGraceMs: config.missedGraceMs },
        tickMs: config.tickMs,
        onTick: () => firerProgress.progressed(),
      });
      return [
        workerOf('firer', firer),
        { name: 'after-agent launches', start: () => startAfterAgentLaunches({ nc, dataSource, rpc, projections, delayRange: config.afterAgentDelay }) },
      ];
    },
    loops: () => [firerProgress],
  });
  return {
    dataSource: service.dataSource,
    projections: service.projections,
    nextTick: () => firer.nextTick(),
    isFiring: () => firer.leading,
    close: service.close,
  };
}
