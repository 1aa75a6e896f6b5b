import 'reflect-metadata';
import { Module, type INestMicroservice } from '@nestjs/common';
import * as messaging from '@agentry/messaging';
import { QueueGroups } from '@agentry/contracts';
import { bootService, defineFeatureService, featureModules, featureStartHooks, natsMicroservice } from '@agentry/service-kit';
import type { RegistryConfig } from './config.js';
import { registryFeatures } from './features.js';
import { registryPlatformModule } from './platform/platform.module.js';

export interface RunningRegistry {
  app: INestMicroservice;
  close(): Promise<void>;
}

/** The registry's tables, entities and read models: what its boot, its rebuild command and its tests share. */
export const registryService = defineFeatureService('registry', registryFeatures);

export const registryDataSource = (databaseUrl: string) => registryService.dataSource(databaseUrl);

export const registryProjections = () => registryService.projections();

/**
 * Boots the registry through the service kit (see docs/ARCHITECTURE.md "How a service boots"): it
 * answers over Nest's NATS transport only (no connection of its own) and relays the event log to
 * the EVENTS stream. Start hooks (first-org bootstrap) run before the service answers, so its first
 * reply already sees them.
 */
export async function startRegistry(config: RegistryConfig): Promise<RunningRegistry> {
  const service = await bootService(registryService, config, {
    messaging,
    relay: true,
    nest: natsMicroservice({
      queue: QueueGroups.registry,
      module: ({ dataSource, projections }) => {
        @Module({ imports: [registryPlatformModule({ config, dataSource, projections }), ...featureModules(registryFeatures)] })
        class RegistryModule {}
        return RegistryModule;
      },
    }),
    workers: (_ctx, app) => featureStartHooks(registryFeatures, app, config),
  });
  return { app: service.app, close: service.close };
}
