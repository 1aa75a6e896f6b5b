import 'reflect-metadata';
import { Logger, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createDataSource, eventStoreMigrations, migrate, ProjectionRunner } from '@agentry/event-store';
import { natsMicroserviceOptions, startEventRelay } from '@agentry/messaging';
import { QueueGroups } from '@agentry/contracts';
import { nestLogLevels } from '@agentry/config';
import { ShutdownStack } from '@agentry/service-kit';
import type { RegistryConfig } from './config.js';
import { registryFeatures } from './features.js';
import { registryPlatformModule } from './platform/platform.module.js';

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

/** Boots the registry: schema migrations, projections, relay, start hooks, then NATS handlers. */
export async function startRegistry(config: RegistryConfig): Promise<RunningRegistry> {
  const stack = new ShutdownStack();
  return stack.boot(async () => {
    const dataSource = registryDataSource(config.databaseUrl);
    await dataSource.initialize();
    stack.push(() => dataSource.destroy());
    await migrate(dataSource);
    const projections = new ProjectionRunner(dataSource, registryProjections());

    @Module({ imports: [registryPlatformModule({ config, dataSource, projections }), ...registryFeatures.map((f) => f.module)] })
    class RegistryModule {}

    const app = await NestFactory.createMicroservice(RegistryModule, {
      ...natsMicroserviceOptions({ url: config.natsUrl, queue: QueueGroups.registry, name: 'registry' }),
      logger: nestLogLevels(config.logLevel),
    });
    await app.init();
    await projections.start();
    stack.push(() => projections.stop());
    const relay = await startEventRelay(dataSource, config.natsUrl);
    stack.push(() => relay.stop());
    // Start hooks (first-org bootstrap) run before the service answers, so its first reply already sees them.
    for (const feature of registryFeatures) await feature.onStart?.(app, config);
    stack.push(() => app.close());
    await app.listen();
    new Logger('Registry').log('registry ready');
    return { app, close: () => stack.unwind() };
  });
}
