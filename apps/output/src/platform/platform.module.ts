import type { DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import type { ProjectionRunner } from '@agentry/event-store';
import { eventSourcingProviders, NATS_CONNECTION, platformModule } from '@agentry/service-kit';
import { OUTPUT_CONFIG, type OutputConfig } from '../config.js';

export { NATS_CONNECTION };

/** Infrastructure every output feature injects: configuration, database, event log (read only), projections, NATS. */
export const outputPlatformModule = (deps: {
  config: OutputConfig;
  dataSource: DataSource;
  projections: ProjectionRunner;
  nc: NatsConnection;
}): DynamicModule =>
  platformModule([{ provide: OUTPUT_CONFIG, useValue: deps.config }, ...eventSourcingProviders(deps), { provide: NATS_CONNECTION, useValue: deps.nc }]);
