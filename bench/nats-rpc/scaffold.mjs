// What the NATS RPC benchmarks share: the settings from the environment, a Nest echo handler module, a
// throwaway NATS server with its cleanups, and the comparison of two callers (warm-up, alternating rounds,
// p50/p99 latency and throughput, printed with the ratio). Asserts nothing.
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Module } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { rpcReply } from '@agentry/messaging';
import { freePort, startNatsServer } from '@agentry/local-servers';

/** BENCH_REQUESTS per round (default given by the bench), BENCH_ROUNDS, BENCH_CONCURRENCY. */
export function benchSettings(defaultRequests) {
  return {
    requests: Number(process.env.BENCH_REQUESTS ?? defaultRequests),
    rounds: Number(process.env.BENCH_ROUNDS ?? 4),
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32),
  };
}

export const envelope = {
  actor: { orgId: 1, userId: 1, keyId: 1, roles: ['org:admin'], platformAdmin: false },
  params: { id: '12345', withAgentObject: true, withCode: false },
};

/** A Nest module with one handler on `subject`, decorated by hand (plain .mjs has no decorator syntax). */
export function echoModule(subject) {
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

/** Runs `body(nats, cleanups)` beside a fresh NATS server; everything pushed on `cleanups` runs after, last first. */
export async function withBenchNats(body) {
  const storeDir = await mkdtemp(join(tmpdir(), 'agentry-bench-nats-'));
  const nats = await startNatsServer({ port: await freePort(), storeDir });
  const cleanups = [async () => rm(storeDir, { recursive: true, force: true }), () => nats.stop()];
  try {
    await body(nats, cleanups);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => console.error('cleanup:', err.message));
  }
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

/** `count` round trips from `concurrency` callers at once: requests per second. */
async function throughput(call, count, concurrency) {
  let remaining = count;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (remaining-- > 0) await call();
    }),
  );
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

/**
 * Measures caller `a` (the baseline) against caller `b` and prints p50/p99 latency and throughput with b/a.
 * Rounds alternate so drift (CPU frequency, GC, other load) hits both sides alike.
 */
export async function compareCallers({ title, a, b, settings: { requests, rounds, concurrency } }) {
  await latencies(a.call, 500); // warm-up: JIT, connections, subscriptions
  await latencies(b.call, 500);
  const aSamples = [];
  const bSamples = [];
  let aRate = 0;
  let bRate = 0;
  for (let round = 0; round < rounds; round++) {
    aSamples.push(...(await latencies(a.call, requests)));
    bSamples.push(...(await latencies(b.call, requests)));
    aRate += (await throughput(a.call, requests, concurrency)) / rounds;
    bRate += (await throughput(b.call, requests, concurrency)) / rounds;
  }
  aSamples.sort((x, y) => x - y);
  bSamples.sort((x, y) => x - y);
  const ms = (v) => `${v.toFixed(3)} ms`;
  const row = (label, x, y, format) =>
    console.log(`${label.padEnd(14)} ${a.name} ${format(x).padStart(14)}   ${b.name} ${format(y).padStart(14)}   ${b.name}/${a.name} ${(y / x).toFixed(2)}`);
  console.log(`${title} (${rounds} x ${requests} sequential requests each side; throughput at concurrency ${concurrency})`);
  row('latency p50', percentile(aSamples, 50), percentile(bSamples, 50), ms);
  row('latency p99', percentile(aSamples, 99), percentile(bSamples, 99), ms);
  row('throughput', aRate, bRate, (v) => `${Math.round(v)} req/s`);
}
