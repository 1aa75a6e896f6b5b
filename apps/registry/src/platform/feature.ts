import type { INestApplicationContext, Type } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import type { Projection } from '@agentry/event-store';
import type { RegistryConfig } from '../config.js';

/**
 * A slice of the registry (agents, scripts, accounts): its Nest module, the read-model
 * tables it owns and the projections that fill them from the event log.
 */
export interface RegistryFeature {
  name: string;
  module: Type<unknown>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity classes
  entities: Function[];
  migrations: (new () => MigrationInterface)[];
  projections: Projection[];
  /** Runs once the service is up and projections are running (e.g. bootstrap the first org). */
  onStart?: (app: INestApplicationContext, config: RegistryConfig) => Promise<void>;
}
