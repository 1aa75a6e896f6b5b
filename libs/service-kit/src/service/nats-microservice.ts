import type { INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BootConfig, BootContext, NestPart } from './boot-service.js';

/**
 * The Nest part of a service that answers requests over NATS: a microservice in the service's
 * queue group (any replica answers), with the service logger and the RPC log-context
 * interceptor. `module` builds the root module from what the builder opened (data source,
 * projections, connection); it may acquire more (`ctx.onClose` to release it).
 */
export function natsMicroservice<C extends BootConfig>(opts: {
  queue: string;
  module: (ctx: BootContext<C>) => Promise<Type<unknown>> | Type<unknown>;
}): NestPart<INestMicroservice, C> {
  return {
    async create(ctx) {
      const app = await NestFactory.createMicroservice(await opts.module(ctx), {
        ...ctx.messaging.natsMicroserviceOptions({ url: ctx.config.natsUrl, queue: opts.queue, name: ctx.instance }),
        logger: ctx.logger,
      });
      app.useGlobalInterceptors(new ctx.messaging.RpcLogContextInterceptor(ctx.name));
      // The builder closes the app once create() has answered it; an init that fails is closed here.
      await app.init().catch(async (error: unknown) => {
        await app.close().catch(() => undefined);
        throw error;
      });
      return app;
    },
    listen: (app) => app.listen(),
    transport: (app) => app.unwrap<NatsConnection>(),
  };
}
