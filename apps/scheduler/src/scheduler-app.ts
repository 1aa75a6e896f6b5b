import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { createDataSource, EventStore, eventStoreMigrations, migrate, ProjectionRunner } from '@agentry/event-store';
import { connect } from '@nats-io/transport-node';
import { ensureEventsStream, RpcClient } from '@agentry/messaging';
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

export function schedulerDataSource(databaseUrl: string): DataSource {
  return createDataSource({ url: databaseUrl, name: 'scheduler', migrations: [...eventStoreMigrations, SchedulerReadModel1764200000100] });
}

export const schedulerProjections = () => [schedulesProjection];

/**
 * Boots a scheduler replica: schema, the schedules projection, then the firer loop. Every replica keeps
 * trying for the firer lock; one fires at a time.
 */
export async function startScheduler(config: SchedulerConfig, opts: { clock?: Clock } = {}): Promise<RunningScheduler> {
  // What was started, stopped in reverse order on close or when a later step fails.
  const started: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    while (started.length) await started.pop()!().catch(() => undefined);
  };
  try {
    const dataSource = schedulerDataSource(config.databaseUrl);
    await dataSource.initialize();
    started.push(() => dataSource.destroy());
    await migrate(dataSource);

    const nc = await connect({ servers: config.natsUrl, name: 'scheduler', maxReconnectAttempts: -1 });
    const rpc = new RpcClient(nc);
    started.push(() => rpc.close());
    await ensureEventsStream(nc);

    const projections = new ProjectionRunner(dataSource, schedulerProjections());
    started.push(() => projections.stop());
    await projections.start();

    const firer = new Firer({
      dataSource,
      store: new EventStore(dataSource),
      projections,
      rpc,
      lock: new FirerLock(config.databaseUrl),
      clock: opts.clock ?? systemClock,
      timing: { flexWindowMs: config.flexWindowMs, missedGraceMs: config.missedGraceMs },
      tickMs: config.tickMs,
    });
    firer.start();
    started.push(() => firer.stop());

    const afterAgent = await startAfterAgentLaunches({ nc, dataSource, rpc, delayRange: config.afterAgentDelay });
    started.push(() => afterAgent.stop());
    new Logger('Scheduler').log('scheduler ready');
    return { dataSource, projections, nextTick: () => firer.nextTick(), isFiring: () => firer.leading, close: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
