import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { access, constants, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Logger, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createDataSource, eventStoreMigrations, migrate, ProjectionRunner } from '@agentry/event-store';
import { connectNats, ensureEventsStream, ensureOutputStream, natsMicroserviceOptions, RpcLogContextInterceptor, startEventRelay } from '@agentry/messaging';
import { QueueGroups } from '@agentry/contracts';
import { ConfigError } from '@agentry/config';
import { installObservability, projectionErrorLogger, startServiceHealth } from '@agentry/service-kit';
import { DEFAULT_DRAIN_GRACE_MS, type ExecutorConfig } from './config.js';
import { ContainersModule } from './containers/containers.module.js';
import { executorContainersProjection } from './containers/read-model/containers.projection.js';
import { ExecutorReadModel1764300000000 } from './containers/read-model/executor-read-model.migration.js';
import { executorPlatformModule } from './platform/platform.module.js';
import { describeIsolation, checkIsolation } from './process/index.js';
import { ensureLaunchQueue } from './queue/launch-stream.js';
import { LaunchBackstop } from './queue/launch-backstop.js';
import { reportLaunchQueueDepth } from './queue/launch-queue-metrics.js';
import { ExecutorLostReaper } from './reaper/executor-lost-reaper.js';
import { RetryScheduler } from './retries/retry-scheduler.js';
import { AbortListener } from './runs/abort-listener.js';
import { KeepAlive } from './runs/keep-alive.js';
import { LaunchWorker } from './runs/launch-worker.js';
import { openLeases } from './runs/leases.js';
import { OrgWriteUsage1765000000100 } from './runs/org-write-usage.migration.js';
import { drainRuns } from './runs/drain.js';
import { LocalRuns } from './runs/local-runs.js';
import { RunsModule } from './runs/runs.module.js';
import { StorageModule } from './storage/storage.module.js';

export interface RunningExecutor {
  app: INestMicroservice;
  executorId: string;
  /** Drains (see runs/drain.ts: runs get `graceMs`, default EXECUTOR_DRAIN_GRACE_MS, the rest are handed back), then disconnects. */
  close(opts?: { graceMs?: number }): Promise<void>;
}

export function executorDataSource(databaseUrl: string) {
  return createDataSource({ url: databaseUrl, name: 'executor', migrations: [...eventStoreMigrations, ExecutorReadModel1764300000000, OrgWriteUsage1765000000100] });
}

export const executorProjections = () => [executorContainersProjection];

/**
 * The folders exist and are writable, and the isolation asked for is usable here: otherwise the
 * service does not start. Answers the line saying how scripts run.
 */
async function checkHost(config: ExecutorConfig): Promise<string> {
  const problems: string[] = [];
  for (const [name, dir] of [['AGENTRY_WORK_DIR', config.workDir], ['AGENTRY_STORAGE_DIR', config.storageDir]] as const) {
    try {
      await mkdir(dir, { recursive: true });
      await access(dir, constants.W_OK);
    } catch (error) {
      problems.push(`${name} (${dir}) is not a writable folder: ${(error as Error).message}`);
    }
  }
  problems.push(...(await checkIsolation({ isolation: config.isolation, runUser: config.runUser, folders: [['AGENTRY_WORK_DIR', config.workDir], ['AGENTRY_STORAGE_DIR', config.storageDir]] })));
  if (problems.length) throw new ConfigError(problems);
  return describeIsolation({ isolation: config.isolation, runUser: config.runUser });
}

/** Boots an executor replica: schema, streams, projections, NATS handlers, then the queue worker and its companions. */
export async function startExecutor(config: ExecutorConfig, opts: { executorId?: string } = {}): Promise<RunningExecutor> {
  const { logger: serviceLogger, flushTraces } = installObservability('executor', config.logLevel, config.observability);
  const isolation = await checkHost(config);
  const logger = new Logger('Executor');
  if (config.isolation === 'none') logger.warn(`AGENTRY_ISOLATION=none: ${isolation}`);
  const executorId = opts.executorId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const dataSource = executorDataSource(config.databaseUrl);
  await dataSource.initialize();
  await migrate(dataSource);
  const nc = await connectNats(config.natsUrl, `executor ${executorId}`);
  const streams = { replicas: config.natsStreamReplicas };
  await ensureEventsStream(nc, streams);
  await ensureOutputStream(nc, streams);
  await ensureLaunchQueue(nc, streams);
  const leases = await openLeases(nc, config.heartbeatTtlMs, streams);
  const projections = new ProjectionRunner(dataSource, executorProjections(), { onError: projectionErrorLogger() });

  @Module({ imports: [executorPlatformModule({ config, dataSource, projections, nc, executorId, leases }), ContainersModule, StorageModule, RunsModule] })
  class ExecutorModule {}

  const app = await NestFactory.createMicroservice(ExecutorModule, {
    ...natsMicroserviceOptions({ url: config.natsUrl, queue: QueueGroups.executor, name: `executor ${executorId}` }),
    logger: serviceLogger,
  });
  app.useGlobalInterceptors(new RpcLogContextInterceptor('executor'));
  await app.listen();
  await projections.start();
  const relay = await startEventRelay(dataSource, config.natsUrl, { onError: projectionErrorLogger(), streams });
  const worker = app.get(LaunchWorker);
  const companions = [app.get(AbortListener), app.get(KeepAlive), app.get(ExecutorLostReaper)];
  for (const companion of companions) companion.start();
  const consumers = [app.get(LaunchBackstop), app.get(RetryScheduler)];
  for (const consumer of consumers) await consumer.start();
  await worker.start();
  const health = await startServiceHealth(config.observability, {
    nats: { nats: app.unwrap(), 'nats:work': nc, 'nats:relay': relay.nc },
    dataSource,
    projections: { projections, relay: relay.runner },
    // Watchdogs: a reaper or keep-alive that stops completing its rounds is wedged (live and ready fail).
    loops: [app.get(ExecutorLostReaper).progress, app.get(KeepAlive).progress],
  });
  const stopQueueReport = reportLaunchQueueDepth(nc);
  logger.log(`executor ${executorId} ready (${config.slots} slots); ${isolation}`);

  const shutDown = async (graceMs: number) => {
    stopQueueReport();
    await health?.close();
    await drainRuns(worker, app.get(LocalRuns), graceMs);
    for (const consumer of consumers) await consumer.stop();
    for (const companion of [...companions].reverse()) await companion.stop();
    await app.close();
    await relay.stop();
    await projections.stop();
    if (!nc.isClosed()) await nc.drain();
    await dataSource.destroy();
    await flushTraces();
  };
  let closing: Promise<void> | undefined;
  return {
    app,
    executorId,
    close: ({ graceMs = config.drainGraceMs ?? DEFAULT_DRAIN_GRACE_MS } = {}) => (closing ??= shutDown(graceMs)),
  };
}
