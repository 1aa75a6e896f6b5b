import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { NatsConnection } from '@nats-io/transport-node';
import type { RpcClient } from '@agentry/messaging';
import type { EdgeConfig } from '../config.js';
import { AgentReadCache } from '../agents/agent-read-cache.js';
import { followAgentReadInvalidations } from '../agents/agent-read-invalidations.js';
import { AuthRateLimits } from './auth-rate-limits.js';
import { AuthGuard } from './auth.guard.js';
import { VerifiedKeyCache } from './auth-key-cache.js';
import { followKeyInvalidations } from './auth-key-invalidations.js';
import { ApiErrorFilter } from './error.filter.js';
import { HealthController } from './health.controller.js';
import { NATS_CONNECTION } from './nats-connection.js';
import { EDGE_CONFIG } from './edge-config.js';
import { RegistryClient } from './registry.client.js';

/**
 * Cross-cutting HTTP pieces: auth (and its rate limits) on every route, one error renderer, the registry
 * client, the NATS connection, and this replica's caches kept true by pushed invalidations (verified keys,
 * agent reads).
 */
@Global()
@Module({})
export class HttpModule {
  static forRoot(rpc: RpcClient, nats: NatsConnection, edge: EdgeConfig): DynamicModule {
    const registry = new RegistryClient(rpc);
    const verifiedKeys = new VerifiedKeyCache(edge.keyCacheMaxEntries, edge.keyCacheTtlMs);
    const agentReads = new AgentReadCache(registry, {
      maxEntries: edge.agentCacheMaxEntries,
      ttlMs: edge.agentCacheTtlMs,
      settleMs: edge.agentCacheSettleMs,
    });
    // Subscribed before the app listens, so no request is answered from a cache that can't hear what drops it.
    followKeyInvalidations(nats, verifiedKeys);
    followAgentReadInvalidations(nats, agentReads);
    return {
      module: HttpModule,
      controllers: [HealthController],
      providers: [
        { provide: RegistryClient, useValue: registry },
        { provide: NATS_CONNECTION, useValue: nats },
        { provide: EDGE_CONFIG, useValue: edge },
        { provide: AuthRateLimits, useValue: new AuthRateLimits(edge) },
        { provide: VerifiedKeyCache, useValue: verifiedKeys },
        { provide: AgentReadCache, useValue: agentReads },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ApiErrorFilter },
      ],
      exports: [RegistryClient, NATS_CONNECTION, EDGE_CONFIG, AgentReadCache],
    };
  }
}
