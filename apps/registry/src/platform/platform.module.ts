import type { DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ProjectionRunner } from '@agentry/event-store';
import { SecretBox } from '@agentry/secrets';
import { eventSourcingProviders, platformModule } from '@agentry/service-kit';
import { REGISTRY_CONFIG, type RegistryConfig } from '../config.js';

/** Infrastructure every registry feature injects: config, database, event store, projections, secrets. */
export const registryPlatformModule = (deps: { config: RegistryConfig; dataSource: DataSource; projections: ProjectionRunner }): DynamicModule =>
  platformModule([
    { provide: REGISTRY_CONFIG, useValue: deps.config },
    ...eventSourcingProviders(deps),
    { provide: SecretBox, useValue: new SecretBox(deps.config.secretKey) },
  ]);
