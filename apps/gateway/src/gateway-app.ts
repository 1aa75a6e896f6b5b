import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { nestLogLevels } from '@agentry/config';
import { connectNats, RpcClient } from '@agentry/messaging';
import type { GatewayConfig } from './config.js';
import { gatewayFeatures } from './features.js';
import { HttpModule } from './http/http.module.js';

export interface RunningGateway {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  // One connection for RPC calls and the live subscriptions of streaming responses.
  const nats = await connectNats(config.natsUrl, 'gateway');
  const rpc = new RpcClient(nats);

  @Module({ imports: [HttpModule.forRoot(rpc, nats), ...gatewayFeatures] })
  class GatewayModule {}

  const adapter = new FastifyAdapter({ bodyLimit: config.bodyLimitBytes, trustProxy: true });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule, adapter, {
    logger: nestLogLevels(config.logLevel),
  });
  // Nest's Fastify adapter registers the JSON and form-urlencoded parsers itself (a second
  // form parser, e.g. @fastify/formbody, makes listen() fail with "already present").
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  new Logger('Gateway').log(`listening on ${url}`);
  return {
    app,
    url,
    async close() {
      await app.close();
      await rpc.close();
    },
  };
}
