import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore, ProjectionRunner } from '@agentry/event-store';

/** Token of a service's own NATS connection (JetStream, KV, live subjects), beside Nest's RPC transport. */
export const NATS_CONNECTION = Symbol.for('agentry.NATS_CONNECTION');

/** The database, the event store over it and the service's projection runner, as injectable providers. */
export function eventSourcingProviders(deps: { dataSource: DataSource; projections: ProjectionRunner }): Provider[] {
  return [
    { provide: DataSource, useValue: deps.dataSource },
    { provide: ProjectionRunner, useValue: deps.projections },
    { provide: EventStore, useFactory: (ds: DataSource) => new EventStore(ds), inject: [DataSource] },
  ];
}

const tokenOf = (provider: Provider) => (typeof provider === 'function' ? provider : provider.provide);

@Global()
@Module({})
class ServicePlatformModule {}

/**
 * The global module through which a service hands its infrastructure (config, database,
 * projections, connections) to every feature: each provider is exported.
 */
export function platformModule(providers: Provider[]): DynamicModule {
  return { module: ServicePlatformModule, providers, exports: providers.map(tokenOf), global: true };
}
