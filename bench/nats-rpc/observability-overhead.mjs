// What the request context costs an RPC: the same NestJS echo handler served twice on one NATS
// server, one app with RpcLogContextInterceptor (log context from the headers, a span, a debug
// line filtered out at LOG_LEVEL=info), one without; RpcClient sends the same envelope to both.
// Usage: npm run build && node bench/nats-rpc/observability-overhead.mjs   (env: BENCH_REQUESTS=3000
// per round, BENCH_ROUNDS=4, BENCH_CONCURRENCY=32). Prints p50/p99 latency and throughput with
// ratios; asserts nothing.
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern } from '@nestjs/microservices';
import { createRpcClient, natsMicroserviceOptions, rpcReply, RpcLogContextInterceptor } from '@agentry/messaging';
import { freePort, startNatsServer } from '@agentry/local-servers';
import { runWithLogContext, ServiceLogger } from '@agentry/service-kit';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const envelope = {
  actor: { orgId: 1, userId: 1, keyId: 1, roles: ['org:admin'], platformAdmin: false },
  params: { id: '12345', withAgentObject: true, withCode: false },
};

function echoModule(subject) {
  class EchoHandlers {
    echo(request) {
      return rpcReply(() => request.params);
    }
  }
  MessagePattern(subject)(EchoHandlers.prototype, 'echo', Object.getOwnPropertyDescriptor(EchoHandlers.prototype, 'echo'));
  Controller()(EchoHandlers);
  class EchoModule {}
  Module({ controllers: [EchoHandlers] })(EchoModule);
  return EchoModule;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function latencies(call, count) {
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await call();
    samples[i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return samples;
}

async function throughput(call, count) {
  let remaining = count;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (remaining-- > 0) await call();
  }));
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function main() {
  const storeDir = await mkdtemp(join(tmpdir(), 'agentry-bench-nats-'));
  const nats = await startNatsServer({ port: await freePort(), storeDir });
  const cleanups = [async () => rm(storeDir, { recursive: true, force: true }), () => nats.stop()];
  try {
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
    const plain = inRequest(() => client.request('bench.plain.echo', envelope, { timeoutMs: 5000 }));
    const context = inRequest(() => client.request('bench.context.echo', envelope, { timeoutMs: 5000 }));
    await latencies(plain, 500);
    await latencies(context, 500);

    const a = [];
    const b = [];
    let aRate = 0;
    let bRate = 0;
    for (let round = 0; round < ROUNDS; round++) {
      a.push(...(await latencies(plain, REQUESTS)));
      b.push(...(await latencies(context, REQUESTS)));
      aRate += (await throughput(plain, REQUESTS)) / ROUNDS;
      bRate += (await throughput(context, REQUESTS)) / ROUNDS;
    }
    a.sort((x, y) => x - y);
    b.sort((x, y) => x - y);
    const ms = (v) => `${v.toFixed(3)} ms`;
    const row = (label, x, y, format) => console.log(`${label.padEnd(14)} without ${format(x).padStart(12)}   with context ${format(y).padStart(12)}   with/without ${(y / x).toFixed(2)}`);
    console.log(`RPC handler with and without RpcLogContextInterceptor (${ROUNDS} x ${REQUESTS} sequential requests each; throughput at concurrency ${CONCURRENCY})`);
    row('latency p50', percentile(a, 50), percentile(b, 50), ms);
    row('latency p99', percentile(a, 99), percentile(b, 99), ms);
    row('throughput', aRate, bRate, (v) => `${Math.round(v)} req/s`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => console.error('cleanup:', err.message));
  }
}

await main();
