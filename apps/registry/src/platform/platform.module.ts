import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore, ProjectionRunner } from '@agentry/event-store';
import { REGISTRY_CONFIG, type RegistryConfig } from '../config.js';
import { SecretBox } from '@agentry/secrets';

/** Infrastructure every registry feature injects: database, event store, projections, secrets. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(deps: { config: RegistryConfig; dataSource: DataSource; projections: ProjectionRunner }): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: REGISTRY_CONFIG, useValue: deps.config },
        { provide: DataSource, useValue: deps.dataSource },
        { provide: ProjectionRunner, useValue: deps.projections },
        { provide: EventStore, useFactory: (ds: DataSource) => new EventStore(ds), inject: [DataSource] },
        { provide: SecretBox, useValue: new SecretBox(deps.config.secretKey) },
      ],
      exports: [REGISTRY_CONFIG, DataSource, ProjectionRunner, EventStore, SecretBox],
    };
  }
}
