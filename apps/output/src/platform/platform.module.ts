import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { EventStore, ProjectionRunner } from '@agentry/event-store';
import { OUTPUT_CONFIG, type OutputConfig } from '../config.js';

/** Token of the service's own NATS connection (JetStream consumers; the RPC handlers use Nest's transport). */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

/** Infrastructure every output feature injects: configuration, database, event log (read only), projections, NATS. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(deps: { config: OutputConfig; dataSource: DataSource; projections: ProjectionRunner; nc: NatsConnection }): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: OUTPUT_CONFIG, useValue: deps.config },
        { provide: DataSource, useValue: deps.dataSource },
        { provide: ProjectionRunner, useValue: deps.projections },
        { provide: NATS_CONNECTION, useValue: deps.nc },
        { provide: EventStore, useFactory: (ds: DataSource) => new EventStore(ds), inject: [DataSource] },
      ],
      exports: [OUTPUT_CONFIG, DataSource, ProjectionRunner, NATS_CONNECTION, EventStore],
    };
  }
}
