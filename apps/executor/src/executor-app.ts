import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { access, constants, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Logger, Module, type INestMicroservice } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import * as messaging from '@agentry/messaging';
import { QueueGroups } from '@agentry/contracts';
import { ConfigError } from '@agentry/config';
import { bootService, defineService, natsMicroservice, workerOf, type WorkerPart } from '@agentry/service-kit';
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

/** The executor's tables and its read model of containers: what its boot, its rebuild command and its tests share. */
export const executorService = defineService({
  name: 'executor',
  migrations: [ExecutorReadModel1764300000000, OrgWriteUsage1765000000100],
  projections: () => [executorContainersProjection],
});

export const executorDataSource = (databaseUrl: string) => executorService.dataSource(databaseUrl);

export const executorProjections = () => executorService.projections();

/**
 * The folders exist and are writable, and the isolation asked for is usable here: otherwise the
 * service does not start. Answers the line saying how scripts run.
 */
async function checkHost(config: ExecutorConfig): Promise<string> {
  const problems: string[] = [];
  for (const [name, dir] of [
    ['AGENTRY_WORK_DIR', config.workDir],
    ['AGENTRY_STORAGE_DIR', config.storageDir],
  ] as const) {
    try {
      await mkdir(dir, { recursive: true });
      await access(dir, constants.W_OK);
    } catch (error) {
      problems.push(`${name} (${dir}) is not a writable folder: ${(error as Error).message}`);
    }
  }
  problems.push(
    ...(await checkIsolation({
      isolation: config.isolation,
      runUser: config.runUser,
      folders: [
        ['AGENTRY_WORK_DIR', config.workDir],
        ['AGENTRY_STORAGE_DIR', config.storageDir],
      ],
    })),
  );
  if (problems.length) throw new ConfigError(problems);
  return describeIsolation({ isolation: config.isolation, runUser: config.runUser });
}

/**
 * Boots an executor replica through the service kit: the host check first (nothing is opened on a
 * host that cannot run scripts safely), then schema, streams (EVENTS, OUTPUT, the launch queue),
 * the leases bucket, projections, the relay, and the queue worker with its companions; the replica
 * answers requests (launch, abort, stored files) once they all run. Closing drains the runs first.
 */
export async function startExecutor(config: ExecutorConfig, opts: { executorId?: string } = {}): Promise<RunningExecutor> {
  const executorId = opts.executorId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  let isolation = '';
  // Fixed by the first close() call; the launch worker's stop (drain) reads it.
  let graceMs = config.drainGraceMs ?? DEFAULT_DRAIN_GRACE_MS;
  const service = await bootService(executorService, config, {
    messaging,
    instance: `executor ${executorId}`,
    preflight: async () => {
      isolation = await checkHost(config);
      if (config.isolation === 'none') new Logger('Executor').warn(`AGENTRY_ISOLATION=none: ${isolation}`);
    },
    nats: { streams: [messaging.ensureEventsStream, messaging.ensureOutputStream, ensureLaunchQueue] },
    relay: true,
    nest: natsMicroservice({
      queue: QueueGroups.executor,
      module: async (ctx) => {
        const { dataSource, projections, nc } = ctx;
        const leases = await openLeases(nc, config.heartbeatTtlMs, { replicas: config.natsStreamReplicas });
        @Module({ imports: [executorPlatformModule({ config, dataSource, projections, nc, executorId, leases }), ContainersModule, StorageModule, RunsModule] })
        class ExecutorModule {}
        return ExecutorModule;
      },
    }),
    // Stopped in reverse: the queue report, the worker (drain: runs finish or are handed back while
    // aborts and keep-alives still work), the consumers, then the companions.
    workers: ({ nc }, app) => [
      workerOf('abort listener', app.get(AbortListener)),
      workerOf('keep-alive', app.get(KeepAlive)),
      workerOf('executor-lost reaper', app.get(ExecutorLostReaper)),
      workerOf('launch backstop', app.get(LaunchBackstop)),
      workerOf('retry scheduler', app.get(RetryScheduler)),
      launchWorker(app, () => graceMs),
      queueDepthReport(nc),
    ],
    // Watchdogs: a reaper or keep-alive that stops completing its rounds is wedged (live and ready fail).
    loops: (_ctx, app) => [app.get(ExecutorLostReaper).progress, app.get(KeepAlive).progress],
    ready: () => `executor ${executorId} ready (${config.slots} slots); ${isolation}`,
  });
  let closing: Promise<void> | undefined;
  return {
    app: service.app,
    executorId,
    close: ({ graceMs: grace } = {}) => {
      if (!closing) graceMs = grace ?? graceMs;
      return (closing ??= service.close());
    },
  };
}

/** The launch queue's consumer; stopping it drains this replica's runs (runs/drain.ts). */
function launchWorker(app: INestMicroservice, graceMs: () => number): WorkerPart {
  return {
    name: 'launch worker',
    async start() {
      const worker = app.get(LaunchWorker);
      await worker.start();
      return { stop: () => drainRuns(worker, app.get(LocalRuns), graceMs()) };
    },
  };
}

/** Reports the launch queue's depth as a metric while the replica runs. */
function queueDepthReport(nc: NatsConnection): WorkerPart {
  return {
    name: 'launch queue report',
    async start() {
      const stop = reportLaunchQueueDepth(nc);
      return { stop: async () => stop() };
    },
  };
}
