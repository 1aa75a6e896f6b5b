// NATS RPC benchmark: a round trip through RpcClient + a NestJS @MessagePattern handler (rpcReply envelope,
// Nest's NATS packet format, queue group) against a raw NATS request/reply echo on the same server, same run.
// Usage: npm run build && node bench/nats-rpc/run.mjs   (env: BENCH_REQUESTS=5000 per round, BENCH_ROUNDS=4,
// BENCH_CONCURRENCY=32). Prints p50/p99 latency and throughput with ratios; asserts nothing.
import { NestFactory } from '@nestjs/core';
import { connect } from '@nats-io/transport-node';
import { createRpcClient, natsMicroserviceOptions } from '@agentry/messaging';
import { benchSettings, compareCallers, echoModule, envelope, withBenchNats } from './scaffold.mjs';

const RPC_SUBJECT = 'bench.rpc.echo';
const RAW_SUBJECT = 'bench.raw.echo';

await withBenchNats(async (nats, cleanups) => {
  const app = await NestFactory.createMicroservice(echoModule(RPC_SUBJECT), {
    ...natsMicroserviceOptions({ url: nats.url, queue: 'bench', name: 'bench-handler', gracePeriodMs: 0 }),
    logger: false,
  });
  await app.listen();
  cleanups.push(() => app.close());

  const responder = await connect({ servers: nats.url, name: 'bench-raw-responder' });
  cleanups.push(() => responder.close());
  responder.subscribe(RAW_SUBJECT, { queue: 'bench', callback: (_, msg) => msg.respond(msg.data) });

  const client = await createRpcClient({ url: nats.url, name: 'bench-rpc-client' });
  cleanups.push(() => client.close());
  const requester = await connect({ servers: nats.url, name: 'bench-raw-requester' });
  cleanups.push(() => requester.close());

  const request = { ...envelope, requestId: 'bench' };
  const payload = JSON.stringify(request);
  await compareCallers({
    title: 'NATS RPC round trip',
    a: { name: 'raw', call: () => requester.request(RAW_SUBJECT, payload, { timeout: 5000 }).then((m) => m.json()) },
    b: { name: 'rpc', call: () => client.request(RPC_SUBJECT, request, { timeoutMs: 5000 }) },
    settings: benchSettings(5000),
  });
});
