import 'reflect-metadata';
import { Module, type INestMicroservice } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ProjectionRunner } from '@agentry/event-store';
import * as messaging from '@agentry/messaging';
import { QueueGroups } from '@agentry/contracts';
import { bootService, defineFeatureService, featureModules, featureStartHooks, natsMicroservice } from '@agentry/service-kit';
import type { OutputConfig } from './config.js';
import { outputFeatures } from './features.js';
import { outputPlatformModule } from './platform/platform.module.js';

export interface RunningOutput {
  app: INestMicroservice;
  /** `projections.waitFor(position)`: the history shows every event up to an append's position. */
  projections: ProjectionRunner;
  close(): Promise<void>;
}

/** The service's tables live in the platform database beside the event log they are projected from. */
export const outputService = defineFeatureService('output', outputFeatures);

export const outputDataSource = (databaseUrl: string, name = 'output'): DataSource => outputService.dataSource(databaseUrl, name);

export const outputProjections = () => outputService.projections();

/**
 * Boots the output service through the service kit: its own connection (the OUTPUT stream, the
 * live chunks), NATS handlers, and each feature's start hook (the chunk consumer, stopped by its
 * module when the app closes).
 */
export async function startOutput(config: OutputConfig): Promise<RunningOutput> {
  const service = await bootService(outputService, config, {
    messaging,
    nats: { streams: [messaging.ensureOutputStream] },
    nest: natsMicroservice({
      queue: QueueGroups.output,
      module: ({ dataSource, projections, nc }) => {
        @Module({ imports: [outputPlatformModule({ config, dataSource, projections, nc }), ...featureModules(outputFeatures)] })
        class OutputModule {}
        return OutputModule;
      },
    }),
    workers: (_ctx, app) => featureStartHooks(outputFeatures, app, config),
    ready: () => 'output service ready',
  });
  return { app: service.app, projections: service.projections, close: service.close };
}
