import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError } from '@agentry/config';
import { bootService, defineService, type NestPart } from '@agentry/service-kit';
import * as messaging from '@agentry/messaging';
import { edgeDefaults, type EdgeConfig, type GatewayConfig } from './config.js';
import { gatewayFeatures } from './features.js';
import { useStrictBodyParsers } from './http/body-parsers.js';
import { addEdgeHooks, frameworkErrors } from './http/edge-hooks.js';
import { HttpModule } from './http/http.module.js';
import { AgentReadCache } from './agents/agent-read-cache.js';
import { forgetAgentReadsOnWrites } from './agents/agent-read-writes.js';
import { registerRequestContext } from './http/request-context.hook.js';

export interface RunningGateway {
  app: NestFastifyApplication;
  url: string;
  /** The body limit in force (BODY_LIMIT_BYTES, or the NATS server's max_payload). */
  bodyLimitBytes: number;
  close(): Promise<void>;
}

/**
 * A body must reach a service over NATS, so the gateway never accepts more than the server's
 * max_payload (bodies between the two used to pass the gateway and fail on the bus with a 500).
 * What still doesn't fit once wrapped in the RPC envelope is refused by the RPC client (413).
 */
function bodyLimitFor(configured: number | undefined, maxPayload: number | undefined): number {
  if (maxPayload === undefined) return configured ?? 1024 * 1024;
  if (configured === undefined) return maxPayload;
  if (configured > maxPayload) {
    throw new ConfigError([
      `BODY_LIMIT_BYTES (${configured}) is larger than the NATS server's max_payload (${maxPayload}): such bodies could never reach a service. Set BODY_LIMIT_BYTES ≤ ${maxPayload}, leave it unset, or raise max_payload on the server`,
    ]);
  }
  return configured;
}

/** Fastify's options for the edge: slow-request timeouts and whose X-Forwarded-For to believe. */
function edgeServerOptions(edge: EdgeConfig) {
  return {
    trustProxy: edge.trustProxy,
    requestTimeout: edge.requestTimeoutMs,
    keepAliveTimeout: edge.keepAliveTimeoutMs,
    // No connectionTimeout (socket inactivity): streamed answers (SSE, raw output, blocking
    // launches) may be silent for long; slow *senders* are cut by the two request timeouts.
    http: {
      headersTimeout: edge.headersTimeoutMs,
      requestTimeout: edge.requestTimeoutMs,
      // Node checks both timeouts on this interval (30 s by default), which would let a slowloris
      // client hold a socket up to 30 s past its deadline.
      connectionsCheckingInterval: Math.min(1000, edge.headersTimeoutMs),
    },
    frameworkErrors,
  };
}

/** The gateway owns no tables: its schema is only its name. */
export const gatewayService = defineService({ name: 'gateway' });

/**
 * Boots the gateway through the service kit: one NATS connection (RPC calls and the live
 * subscriptions of streaming responses), the Fastify app with the edge's hooks and limits, then it
 * listens. It has no database and no Nest transport: it asks services, it answers nothing on NATS.
 */
export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const edge: EdgeConfig = { ...edgeDefaults, ...config.edge };
  let bodyLimit = 0;
  const http: NestPart<NestFastifyApplication, GatewayConfig> = {
    async create({ nc, logger }) {
      bodyLimit = bodyLimitFor(config.bodyLimitBytes, nc.info?.max_payload);
      const rpc = new messaging.RpcClient(nc);

      @Module({ imports: [HttpModule.forRoot(rpc, nc, edge), ...gatewayFeatures] })
      class GatewayModule {}

      const adapter = new FastifyAdapter({ bodyLimit, ...edgeServerOptions(edge) } as ConstructorParameters<typeof FastifyAdapter>[0]);
      // First of the hooks, so even a request the edge refuses has a request id and an access line.
      registerRequestContext(adapter.getInstance());
      const app = await NestFactory.create<NestFastifyApplication>(GatewayModule, adapter, { logger });
      // Nest's Fastify adapter would register its JSON and form-urlencoded parsers itself (a second
      // form parser, e.g. @fastify/formbody, makes listen() fail with "already present"); these
      // replace them with the same decoding, strict about text.
      useStrictBodyParsers(app, bodyLimit);
      addEdgeHooks(app.getHttpAdapter().getInstance());
      forgetAgentReadsOnWrites(app.getHttpAdapter().getInstance(), app.get(AgentReadCache));
      app.enableShutdownHooks();
      return app;
    },
    listen: async (app) => void (await app.listen(config.port, config.host)),
  };
  // /metrics (request latency…) on its own port, never on the public one; /livez and /readyz on both.
  const service = await bootService(gatewayService, config, {
    messaging,
    nats: {},
    nest: http,
    ready: async (_ctx, app) => `listening on ${await urlOf(app)} (bodies up to ${bodyLimit} bytes)`,
  });
  return { app: service.app, url: await urlOf(service.app), bodyLimitBytes: bodyLimit, close: service.close };
}

const urlOf = async (app: NestFastifyApplication) => (await app.getUrl()).replace('[::1]', '127.0.0.1');
