// What the request context costs an RPC: the same NestJS echo handler served twice on one NATS
// server, one app with RpcLogContextInterceptor (log context from the headers, a span, a debug
// line filtered out at LOG_LEVEL=info), one without; RpcClient sends the same envelope to both.
// Usage: npm run build && node bench/nats-rpc/observability-overhead.mjs   (env: BENCH_REQUESTS=3000
// per round, BENCH_ROUNDS=4, BENCH_CONCURRENCY=32). Prints p50/p99 latency and throughput with
// ratios; asserts nothing.
import { NestFactory } from '@nestjs/core';
import { createRpcClient, natsMicroserviceOptions, RpcLogContextInterceptor } from '@agentry/messaging';
import { runWithLogContext, ServiceLogger } from '@agentry/service-kit';
import { benchSettings, compareCallers, echoModule, envelope, withBenchNats } from './scaffold.mjs';

await withBenchNats(async (nats, cleanups) => {
  const logger = new ServiceLogger({ service: 'bench', level: 'info', format: 'json', write: () => undefined });
  const start = async (subject, queue, withContext) => {
    const app = await NestFactory.createMicroservice(echoModule(subject), {
      ...natsMicroserviceOptions({ url: nats.url, queue, name: queue, gracePeriodMs: 0 }),
      logger,
    });
    if (withContext) app.useGlobalInterceptors(new RpcLogContextInterceptor('bench'));
    await app.listen();
    cleanups.push(() => app.close());
  };
  await start('bench.plain.echo', 'bench-plain', false);
  await start('bench.context.echo', 'bench-context', true);
  const client = await createRpcClient({ url: nats.url, name: 'bench-rpc-client' });
  cleanups.push(() => client.close());

  // Both callers run inside a request context, so both send the headers; only the handler side differs.
  const inRequest = (fn) => () => runWithLogContext({ requestId: 'bench-request', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }, fn);
  await compareCallers({
    title: 'RPC handler without and with RpcLogContextInterceptor',
    a: { name: 'without', call: inRequest(() => client.request('bench.plain.echo', envelope, { timeoutMs: 5000 })) },
    b: { name: 'context', call: inRequest(() => client.request('bench.context.echo', envelope, { timeoutMs: 5000 })) },
    settings: benchSettings(3000),
  });
});
