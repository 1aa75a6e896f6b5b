// NATS RPC benchmark: a round trip through RpcClient + a NestJS @MessagePattern handler (rpcReply envelope,
// Nest's NATS packet format, queue group) against a raw NATS request/reply echo on the same server, same run.
// Usage: npm run build && node bench/nats-rpc/run.mjs   (env: BENCH_REQUESTS=5000 per round, BENCH_ROUNDS=4,
// BENCH_CONCURRENCY=32). Prints p50/p99 latency and throughput with ratios; asserts nothing.
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern } from '@nestjs/microservices';
import { connect } from '@nats-io/transport-node';
import { createRpcClient, natsMicroserviceOptions, rpcReply } from '@agentry/messaging';
import { freePort, startNatsServer } from '@agentry/local-servers';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const RPC_SUBJECT = 'bench.rpc.echo';
const RAW_SUBJECT = 'bench.raw.echo';
const envelope = {
  actor: { orgId: 1, userId: 1, keyId: 1, roles: ['org:admin'], platformAdmin: false },
  requestId: 'bench',
  params: { id: '12345', withAgentObject: true, withCode: false },
};

/** A Nest module with one handler, decorated by hand (plain .mjs has no decorator syntax). */
function echoModule() {
  class EchoHandlers {
    echo(request) {
      return rpcReply(() => request.params);
    }
  }
  MessagePattern(RPC_SUBJECT)(EchoHandlers.prototype, 'echo', Object.getOwnPropertyDescriptor(EchoHandlers.prototype, 'echo'));
  Controller()(EchoHandlers);
  class EchoModule {}
  Module({ controllers: [EchoHandlers] })(EchoModule);
  return EchoModule;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Sequential round trips: the latency one caller sees. */
async function latencies(call, count) {
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await call();
    samples[i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return samples;
}

/** `count` round trips from CONCURRENCY callers at once: requests per second. */
async function throughput(call, count) {
  let remaining = count;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (remaining-- > 0) await call();
    }),
  );
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function main() {
  const storeDir = await mkdtemp(join(tmpdir(), 'agentry-bench-nats-'));
  const nats = await startNatsServer({ port: await freePort(), storeDir });
  const cleanups = [async () => rm(storeDir, { recursive: true, force: true }), () => nats.stop()];
  try {
    const app = await NestFactory.createMicroservice(echoModule(), {
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

    const payload = JSON.stringify(envelope);
    const raw = () => requester.request(RAW_SUBJECT, payload, { timeout: 5000 }).then((m) => m.json());
    const rpc = () => client.request(RPC_SUBJECT, envelope, { timeoutMs: 5000 });

    await latencies(raw, 500); // warm-up: JIT, connections, subscriptions
    await latencies(rpc, 500);

    // Alternate rounds so drift (CPU frequency, GC, other load) hits both sides alike.
    const rawSamples = [];
    const rpcSamples = [];
    let rawRate = 0;
    let rpcRate = 0;
    for (let round = 0; round < ROUNDS; round++) {
      rawSamples.push(...(await latencies(raw, REQUESTS)));
      rpcSamples.push(...(await latencies(rpc, REQUESTS)));
      rawRate += (await throughput(raw, REQUESTS)) / ROUNDS;
      rpcRate += (await throughput(rpc, REQUESTS)) / ROUNDS;
    }
    const sortedRaw = rawSamples.sort((a, b) => a - b);
    const sortedRpc = rpcSamples.sort((a, b) => a - b);
    const ms = (v) => `${v.toFixed(3)} ms`;
    const row = (label, rawValue, rpcValue, format) =>
      console.log(`${label.padEnd(26)} raw ${format(rawValue).padStart(14)}   rpc ${format(rpcValue).padStart(14)}   rpc/raw ${(rpcValue / rawValue).toFixed(2)}`);

    console.log(`NATS RPC round trip (${ROUNDS} x ${REQUESTS} sequential requests each side; throughput at concurrency ${CONCURRENCY})`);
    row('latency p50', percentile(sortedRaw, 50), percentile(sortedRpc, 50), ms);
    row('latency p99', percentile(sortedRaw, 99), percentile(sortedRpc, 99), ms);
    row('throughput', rawRate, rpcRate, (v) => `${Math.round(v)} req/s`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => console.error('cleanup:', err.message));
  }
}

await main();
