import 'reflect-metadata';
import { Logger, Module, type INestMicroservice, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { createDataSource, eventStoreMigrations, migrate, ProjectionRunner } from '@agentry/event-store';
import { connectNats, ensureOutputStream, natsMicroserviceOptions, RpcLogContextInterceptor } from '@agentry/messaging';
import { QueueGroups } from '@agentry/contracts';
import { installObservability, projectionErrorLogger, ShutdownStack, startServiceHealth } from '@agentry/service-kit';
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
export function outputDataSource(databaseUrl: string, name = 'output'): DataSource {
  return createDataSource({
    url: databaseUrl,
    name,
    migrations: [...eventStoreMigrations, ...outputFeatures.flatMap((f) => f.migrations)],
  });
}

export const outputProjections = () => outputFeatures.flatMap((f) => f.projections);

/** Boots the output service: migrations, projections, NATS handlers, then each feature's start hook (the chunk consumer). */
export async function startOutput(config: OutputConfig): Promise<RunningOutput> {
  const stack = new ShutdownStack();
  const { logger, flushTraces } = installObservability('output', config.logLevel, config.observability);
  stack.push(flushTraces);
  return stack.boot(async () => {
    const dataSource = outputDataSource(config.databaseUrl);
    await dataSource.initialize();
    stack.push(() => dataSource.destroy());
    await migrate(dataSource);

    const nc = await connectNats(config.natsUrl, 'output');
    stack.push(() => nc.close());
    await ensureOutputStream(nc, { replicas: config.natsStreamReplicas });

    const projections = new ProjectionRunner(dataSource, outputProjections(), { onError: projectionErrorLogger() });
    stack.push(() => projections.stop());

    const featureModules = outputFeatures.flatMap((f) => (f.module ? [f.module] : [])) as Type<unknown>[];
    @Module({ imports: [outputPlatformModule({ config, dataSource, projections, nc }), ...featureModules] })
    class OutputModule {}

    const app = await NestFactory.createMicroservice(OutputModule, {
      ...natsMicroserviceOptions({ url: config.natsUrl, queue: QueueGroups.output, name: 'output' }),
      logger,
    });
    app.useGlobalInterceptors(new RpcLogContextInterceptor('output'));
    // Closing the app also stops the chunk consumer (module destroy hook), before NATS and the database go.
    stack.push(() => app.close());
    await app.listen();
    await projections.start();
    for (const feature of outputFeatures) await feature.onStart?.(app, config);
    const health = await startServiceHealth(config.observability, { nats: { nats: app.unwrap(), 'nats:streams': nc }, dataSource, projections: { projections } });
    if (health) stack.push(() => health.close());
    new Logger('Output').log('output service ready');
    return { app, projections, close: () => stack.unwind() };
  });
}
