import { Module } from '@nestjs/common';
import { ContainersModule } from '../containers/containers.module.js';
import { OrgObjects } from '../org-objects/org-objects.js';
import { ExecutorLostReaper } from '../reaper/executor-lost-reaper.js';
import { StorageModule } from '../storage/storage.module.js';
import { AbortListener } from './abort-listener.js';
import { AgentSlots } from './agent-slots.js';
import { ContainerRunner } from './container-runner.js';
import { Heartbeats } from './heartbeats.js';
import { KeepAlive } from './keep-alive.js';
import { LaunchWorker } from './launch-worker.js';
import { LocalRuns } from './local-runs.js';
import { OrgWriteUsage } from './org-write-usage.js';
import { RunKeysController } from './run-keys.controller.js';

/** Running containers on this replica: the queue worker, processes, leases, aborts, and the reaper of dead executors. */
@Module({
  imports: [ContainersModule, StorageModule],
  controllers: [RunKeysController],
  providers: [LocalRuns, AgentSlots, Heartbeats, ContainerRunner, LaunchWorker, KeepAlive, AbortListener, OrgObjects, ExecutorLostReaper, OrgWriteUsage],
  exports: [LaunchWorker, KeepAlive, AbortListener, ExecutorLostReaper, LocalRuns],
})
export class RunsModule {}
