import 'reflect-metadata';
import { Logger, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createDataSource, eventStoreMigrations, migrate, ProjectionRunner } from '@agentry/event-store';
import { natsMicroserviceOptions, startEventRelay } from '@agentry/messaging';
import { QueueGroups } from '@agentry/contracts';
import { nestLogLevels } from '@agentry/config';
import type { RegistryConfig } from './config.js';
import { registryFeatures } from './features.js';
import { PlatformModule } from './platform/platform.module.js';

export interface RunningRegistry {
  app: INestMicroservice;
  close(): Promise<void>;
}

export function registryDataSource(databaseUrl: string) {
  return createDataSource({
    url: databaseUrl,
    name: 'registry',
    entities: registryFeatures.flatMap((f) => f.entities),
    migrations: [...eventStoreMigrations, ...registryFeatures.flatMap((f) => f.migrations)],
  });
}

export const registryProjections = () => registryFeatures.flatMap((f) => f.projections);

/** Boots the registry: schema migrations, projections, NATS handlers, then each feature's start hook. */
export async function startRegistry(config: RegistryConfig): Promise<RunningRegistry> {
  const dataSource = registryDataSource(config.databaseUrl);
  await dataSource.initialize();
  await migrate(dataSource);
  const projections = new ProjectionRunner(dataSource, registryProjections());

  @Module({ imports: [PlatformModule.forRoot({ config, dataSource, projections }), ...registryFeatures.map((f) => f.module)] })
  class RegistryModule {}

  const app = await NestFactory.createMicroservice(RegistryModule, {
    ...natsMicroserviceOptions({ url: config.natsUrl, queue: QueueGroups.registry, name: 'registry' }),
    logger: nestLogLevels(config.logLevel),
  });
  await app.init();
  await projections.start();
  const relay = await startEventRelay(dataSource, config.natsUrl);
  // Start hooks (first-org bootstrap) run before the service answers, so its first reply already sees them.
  for (const feature of registryFeatures) await feature.onStart?.(app, config);
  await app.listen();
  new Logger('Registry').log('registry ready');

  return {
    app,
    async close() {
      await app.close();
      await relay.stop();
      await projections.stop();
      await dataSource.destroy();
    },
  };
}
