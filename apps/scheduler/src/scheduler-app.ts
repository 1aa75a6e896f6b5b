import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { createDataSource, EventStore, eventStoreMigrations, migrate, ProjectionRunner } from '@agentry/event-store';
import { connectNats, ensureEventsStream, RpcClient } from '@agentry/messaging';
import { installObservability, LoopProgress, projectionErrorLogger, ShutdownStack, startServiceHealth } from '@agentry/service-kit';
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
 * Boots a scheduler replica: schema, the schedules projection, the firer loop and the after-agent
 * consumer. Every replica keeps trying for the firer lock; one fires at a time.
 */
export async function startScheduler(config: SchedulerConfig, opts: { clock?: Clock } = {}): Promise<RunningScheduler> {
  const stack = new ShutdownStack();
  // Not a Nest app: installing the logger is what applies LOG_LEVEL / LOG_FORMAT to every `new Logger(...)` here.
  const { flushTraces } = installObservability('scheduler', config.logLevel, config.observability);
  stack.push(flushTraces);
  return stack.boot(async () => {
    const dataSource = schedulerDataSource(config.databaseUrl);
    await dataSource.initialize();
    stack.push(() => dataSource.destroy());
    await migrate(dataSource);

    const nc = await connectNats(config.natsUrl, 'scheduler');
    const rpc = new RpcClient(nc);
    stack.push(() => rpc.close());
    await ensureEventsStream(nc, { replicas: config.natsStreamReplicas });

    const projections = new ProjectionRunner(dataSource, schedulerProjections(), { onError: projectionErrorLogger() });
    stack.push(() => projections.stop());
    await projections.start();

    const firerProgress = new LoopProgress('firer');
    const firer = new Firer({
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
    firer.start();
    stack.push(() => firer.stop());

    const afterAgent = await startAfterAgentLaunches({ nc, dataSource, rpc, projections, delayRange: config.afterAgentDelay });
    stack.push(() => afterAgent.stop());

    const health = await startServiceHealth(config.observability, {
      nats: { nats: nc },
      dataSource,
      projections: { projections },
      loops: [firerProgress],
    });
    if (health) stack.push(() => health.close());
    new Logger('Scheduler').log('scheduler ready');
    let closed: Promise<void> | null = null;
    return {
      dataSource,
      projections,
      nextTick: () => firer.nextTick(),
      isFiring: () => firer.leading,
      close: () => (closed ??= stack.unwind()),
    };
  });
}
