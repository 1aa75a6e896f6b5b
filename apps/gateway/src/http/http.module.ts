import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { NatsConnection } from '@nats-io/transport-node';
import type { RpcClient } from '@agentry/messaging';
import { AuthGuard } from './auth.guard.js';
import { ApiErrorFilter } from './error.filter.js';
import { HealthController } from './health.controller.js';
import { NATS_CONNECTION } from './nats-connection.js';
import { RegistryClient } from './registry.client.js';

/** Cross-cutting HTTP pieces: auth on every route, one error renderer, the registry client, the NATS connection. */
@Global()
@Module({})
export class HttpModule {
  static forRoot(rpc: RpcClient, nats: NatsConnection): DynamicModule {
    return {
      module: HttpModule,
      controllers: [HealthController],
      providers: [
        { provide: RegistryClient, useValue: new RegistryClient(rpc) },
        { provide: NATS_CONNECTION, useValue: nats },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ApiErrorFilter },
      ],
      exports: [RegistryClient, NATS_CONNECTION],
    };
  }
}
