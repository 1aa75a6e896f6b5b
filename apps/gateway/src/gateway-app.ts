import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError } from '@agentry/config';
import { installObservability, startServiceHealth } from '@agentry/service-kit';
import { connectNats, RpcClient } from '@agentry/messaging';
import { edgeDefaults, type EdgeConfig, type GatewayConfig } from './config.js';
import { gatewayFeatures } from './features.js';
import { useStrictBodyParsers } from './http/body-parsers.js';
import { addEdgeHooks, frameworkErrors } from './http/edge-hooks.js';
import { HttpModule } from './http/http.module.js';
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

export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const { logger, flushTraces } = installObservability('gateway', config.logLevel, config.observability);
  const edge: EdgeConfig = { ...edgeDefaults, ...config.edge };
  // One connection for RPC calls and the live subscriptions of streaming responses.
  const nats = await connectNats(config.natsUrl, 'gateway');
  const rpc = new RpcClient(nats);
  let bodyLimit: number;
  try {
    bodyLimit = bodyLimitFor(config.bodyLimitBytes, nats.info?.max_payload);
  } catch (error) {
    await rpc.close();
    throw error;
  }

  @Module({ imports: [HttpModule.forRoot(rpc, nats, edge), ...gatewayFeatures] })
  class GatewayModule {}

  const adapter = new FastifyAdapter({ bodyLimit, ...edgeServerOptions(edge) } as ConstructorParameters<typeof FastifyAdapter>[0]);
  // First of the hooks, so even a request the edge refuses has a request id and an access line.
  registerRequestContext(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule, adapter, {
    logger,
  });
  // Nest's Fastify adapter would register its JSON and form-urlencoded parsers itself (a second
  // form parser, e.g. @fastify/formbody, makes listen() fail with "already present"); these
  // replace them with the same decoding, strict about text.
  useStrictBodyParsers(app, bodyLimit);
  addEdgeHooks(app.getHttpAdapter().getInstance());
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  // /metrics (request latency…) on its own port, never on the public one; /livez and /readyz on both.
  const health = await startServiceHealth(config.observability, { nats: { nats } }).catch(async (error) => {
    await app.close();
    await rpc.close();
    throw error;
  });
  new Logger('Gateway').log(`listening on ${url} (bodies up to ${bodyLimit} bytes)`);
  return {
    app,
    url,
    bodyLimitBytes: bodyLimit,
    async close() {
      await health?.close();
      await app.close();
      await rpc.close();
      await flushTraces();
    },
  };
}
