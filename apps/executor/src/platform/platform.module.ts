import type { DynamicModule } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import type { ProjectionRunner } from '@agentry/event-store';
import { eventSourcingProviders, NATS_CONNECTION, platformModule } from '@agentry/service-kit';
import { RpcClient } from '@agentry/messaging';
import { SecretBox } from '@agentry/secrets';
import { EXECUTOR_CONFIG, type ExecutorConfig } from '../config.js';
import { LEASES_KV } from '../runs/leases.js';
import { LivePublisher } from '../runs/live-publisher.js';

/** The service's own NATS connection: JetStream (queue, output, KV), live subjects, calls to the registry. */
export { NATS_CONNECTION };
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
export const executorPlatformModule = (deps: PlatformDeps): DynamicModule =>
  platformModule([
    { provide: EXECUTOR_CONFIG, useValue: deps.config },
    ...eventSourcingProviders(deps),
    { provide: NATS_CONNECTION, useValue: deps.nc },
    { provide: EXECUTOR_ID, useValue: deps.executorId },
    { provide: LEASES_KV, useValue: deps.leases },
    { provide: SecretBox, useValue: new SecretBox(deps.config.secretKey) },
    { provide: RpcClient, useValue: new RpcClient(deps.nc) },
    // One publisher of live container messages, injected wherever a container changes.
    { provide: LivePublisher, useValue: new LivePublisher(deps.nc) },
  ]);
