import type { NestInterceptor } from '@nestjs/common';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import type { ProjectionRunner } from '@agentry/event-store';

/** Replicas of the JetStream streams a service creates (NATS_STREAM_REPLICAS). */
export interface StreamPlacement {
  replicas?: number;
}

/** Creates (or checks) one JetStream stream or KV bucket a service needs before it starts, e.g. `ensureEventsStream`. */
export type EnsureStream = (nc: NatsConnection, placement: StreamPlacement) => Promise<void>;

/** The outbox relay's handle (`startEventRelay`): its connection and runner are health-checked. */
export interface RelayHandle {
  readonly nc: NatsConnection;
  readonly runner: ProjectionRunner;
  stop(): Promise<void>;
}

/**
 * The pieces of `@agentry/messaging` the builder boots with. service-kit sits below messaging
 * (messaging uses its log context and tracing), so it cannot import them: each service passes the
 * library itself, `import * as messaging from '@agentry/messaging'`, which fits this shape.
 */
export interface MessagingPort {
  /** A long-lived, named connection that reconnects forever. */
  connectNats(url: string, name: string): Promise<NatsConnection>;
  /** Options of Nest's NATS transport for a queue group. */
  natsMicroserviceOptions(opts: { url: string; queue: string; name?: string }): MicroserviceOptions;
  /** Gives every RPC handler the caller's request id and a trace span. */
  RpcLogContextInterceptor: new (service: string) => NestInterceptor;
  startEventRelay(
    dataSource: DataSource,
    natsUrl: string,
    opts: { onError?: (error: unknown, projection: string) => void; streams?: StreamPlacement },
  ): Promise<RelayHandle>;
}
