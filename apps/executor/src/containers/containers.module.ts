import { Module } from '@nestjs/common';
import { LaunchBackstop } from '../queue/launch-backstop.js';
import { LaunchQueue } from '../queue/launch-queue.js';
import { RegistryClient } from '../registry/registry.client.js';
import { RetryScheduler } from '../retries/retry-scheduler.js';
import { ContainerStreams } from './container-streams.js';
import { ContainersController } from './containers.controller.js';
import { ContainersLookup } from './read-model/containers.lookup.js';
import { AbortAgentUseCase } from './use-cases/abort-agent/abort-agent.use-case.js';
import { LaunchAgentUseCase } from './use-cases/launch-agent/launch-agent.use-case.js';

/** Containers' records and queue: launch, abort, the launch backstop and retries. */
@Module({
  controllers: [ContainersController],
  providers: [ContainerStreams, ContainersLookup, RegistryClient, LaunchQueue, LaunchAgentUseCase, AbortAgentUseCase, LaunchBackstop, RetryScheduler],
  exports: [ContainerStreams, ContainersLookup, RegistryClient, LaunchQueue, LaunchBackstop, RetryScheduler],
})
export class ContainersModule {}
