import 'reflect-metadata';
import { Logger, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createDataSource, eventStoreMigrations, migrate, ProjectionRunner } from '@agentry/event-store';
import { natsMicroserviceOptions, RpcLogContextInterceptor, startEventRelay } from '@agentry/messaging';
import { QueueGroups } from '@agentry/contracts';
import { installObservability, projectionErrorLogger, ShutdownStack, startServiceHealth } from '@agentry/service-kit';
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
  const { logger, flushTraces } = installObservability('registry', config.logLevel, config.observability);
  stack.push(flushTraces);
  return stack.boot(async () => {
    const dataSource = registryDataSource(config.databaseUrl);
    await dataSource.initialize();
    stack.push(() => dataSource.destroy());
    await migrate(dataSource);
    const projections = new ProjectionRunner(dataSource, registryProjections(), { onError: projectionErrorLogger() });

    @Module({ imports: [registryPlatformModule({ config, dataSource, projections }), ...registryFeatures.map((f) => f.module)] })
    class RegistryModule {}

    const app = await NestFactory.createMicroservice(RegistryModule, {
      ...natsMicroserviceOptions({ url: config.natsUrl, queue: QueueGroups.registry, name: 'registry' }),
      logger,
    });
    app.useGlobalInterceptors(new RpcLogContextInterceptor('registry'));
    await app.init();
    await projections.start();
    stack.push(() => projections.stop());
    const relay = await startEventRelay(dataSource, config.natsUrl, { onError: projectionErrorLogger(), streams: { replicas: config.natsStreamReplicas } });
    stack.push(() => relay.stop());
    // Start hooks (first-org bootstrap) run before the service answers, so its first reply already sees them.
    for (const feature of registryFeatures) await feature.onStart?.(app, config);
    stack.push(() => app.close());
    await app.listen();
    const health = await startServiceHealth(config.observability, {
      nats: { nats: app.unwrap(), 'nats:relay': relay.nc },
      dataSource,
      projections: { projections, relay: relay.runner },
    });
    if (health) stack.push(() => health.close());
    new Logger('Registry').log('registry ready');
    return { app, close: () => stack.unwind() };
  });
}
