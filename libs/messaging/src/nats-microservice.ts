import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { natsConnectionOptions } from './nats-connection.js';

export interface NatsMicroserviceConfig {
  url: string;
  /** Queue group: every replica of a service subscribes in the same group, so one of them answers. */
  queue: string;
  /** Connection name shown by the NATS server's monitoring. */
  name?: string;
  /**
   * On shutdown the server unsubscribes first, then waits this long for in-flight handlers to answer
   * before closing the connection (default 1000 ms).
   */
  gracePeriodMs?: number;
}

/** Options for `NestFactory.createMicroservice` / `app.connectMicroservice` on the NATS transport. */
export function natsMicroserviceOptions(opts: NatsMicroserviceConfig): MicroserviceOptions {
  return {
    transport: Transport.NATS,
    options: {
      ...natsConnectionOptions(opts.url),
      queue: opts.queue,
      name: opts.name,
      // A service outlives NATS restarts: keep reconnecting instead of giving up after the default 10 tries.
      maxReconnectAttempts: -1,
      gracefulShutdown: true,
      gracePeriod: opts.gracePeriodMs ?? 1000,
    },
  };
}
