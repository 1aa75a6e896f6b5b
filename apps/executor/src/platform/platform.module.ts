import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { EventStore, ProjectionRunner } from '@agentry/event-store';
import { RpcClient } from '@agentry/messaging';
import { SecretBox } from '@agentry/secrets';
import { EXECUTOR_CONFIG, type ExecutorConfig } from '../config.js';
import { LEASES_KV } from '../runs/leases.js';

/** The service's own NATS connection: JetStream (queue, output, KV), live subjects, calls to the registry. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
/** This replica's id: names its heartbeats and its ContainerStarted events. */
export const EXECUTOR_ID = Symbol('EXECUTOR_ID');

export interface PlatformDeps {
  config: ExecutorConfig;
  dataSource: DataSource;
  projections: ProjectionRunner;
  nc: NatsConnection;
  executorId: string;
  leases: KV;
}

/** Infrastructure every executor part injects. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(deps: PlatformDeps): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: EXECUTOR_CONFIG, useValue: deps.config },
        { provide: DataSource, useValue: deps.dataSource },
        { provide: ProjectionRunner, useValue: deps.projections },
        { provide: NATS_CONNECTION, useValue: deps.nc },
        { provide: EXECUTOR_ID, useValue: deps.executorId },
        { provide: LEASES_KV, useValue: deps.leases },
        { provide: EventStore, useFactory: (ds: DataSource) => new EventStore(ds), inject: [DataSource] },
        { provide: SecretBox, useValue: new SecretBox(deps.config.secretKey) },
        { provide: RpcClient, useValue: new RpcClient(deps.nc) },
      ],
      exports: [EXECUTOR_CONFIG, DataSource, ProjectionRunner, NATS_CONNECTION, EXECUTOR_ID, LEASES_KV, EventStore, SecretBox, RpcClient],
    };
  }
}
