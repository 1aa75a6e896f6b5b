/**
 * The NATS pieces the HA environment stands on, on a real three-node cluster (libs/local-servers
 * startNatsCluster): a NATS_URL listing several servers connects while its first server is down, and
 * NATS_STREAM_REPLICAS is not a setting that does nothing — with 3 replicas a stream keeps every
 * acknowledged message and goes on taking new ones when the node leading it is SIGKILLed; with 1
 * (the control) the stream is gone with its node.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { startNatsCluster, type RunningNatsCluster } from '@agentry/local-servers';
import { connectNats, ensureStream } from '@agentry/messaging';

let cluster: RunningNatsCluster;
let storeDir: string;
const connections: NatsConnection[] = [];

beforeAll(async () => {
  storeDir = await mkdtemp(join(tmpdir(), 'agentry-nats-cluster-'));
  cluster = await startNatsCluster({ size: 3, storeDir });
  await cluster.waitHealthy();
});

afterAll(async () => {
  for (const nc of connections) await nc.close().catch(() => undefined);
  await cluster?.stop();
  await rm(storeDir, { recursive: true, force: true });
});

async function connect(url = cluster.url): Promise<NatsConnection> {
  const nc = await connectNats(url, 'cluster-test');
  connections.push(nc);
  return nc;
}

/** The node that leads `stream`, by its name (nats-<n>). */
async function leaderOf(nc: NatsConnection, stream: string) {
  const info = await (await jetstreamManager(nc)).streams.info(stream);
  return cluster.nodes.find((n) => n.name === info.cluster?.leader)!;
}

test('a NATS_URL listing the cluster connects although its first server is down', async () => {
  const first = cluster.nodes[0]!;
  await first.kill();
  try {
    const nc = await connect();
    await nc.flush();
    expect(nc.getServer()).not.toBe(first.url.replace('nats://', ''));
  } finally {
    await first.start();
    await cluster.waitHealthy();
  }
});

test('three replicas: the leading node SIGKILLed, every acknowledged message is still there and publishing goes on; one replica (control): the stream is gone with its node', async () => {
  const nc = await connect();
  const js = jetstream(nc, { timeout: 5000 });
  await ensureStream(nc, { name: 'REPLICATED', subjects: ['replicated.>'], num_replicas: 3 });
  await ensureStream(nc, { name: 'SINGLE', subjects: ['single.>'], num_replicas: 1 });
  for (let i = 0; i < 50; i++) await js.publish('replicated.x', `m${i}`);
  await js.publish('single.x', 'only');

  const replicatedLeader = await leaderOf(nc, 'REPLICATED');
  await replicatedLeader.kill();
  // A new leader is elected among the two others; the client may first need to fail over its own connection.
  let published = false;
  for (let attempt = 0; attempt < 60 && !published; attempt++) {
    published = await js.publish('replicated.x', 'after').then(
      () => true,
      () => new Promise((resolve) => setTimeout(() => resolve(false), 500)),
    );
  }
  expect(published).toBe(true);
  const info = await (await jetstreamManager(nc)).streams.info('REPLICATED');
  expect(info.state.messages).toBe(51);
  expect(info.cluster?.leader).not.toBe(replicatedLeader.name);
  await replicatedLeader.start();
  await cluster.waitHealthy();

  const singleHome = await leaderOf(nc, 'SINGLE');
  await singleHome.kill();
  try {
    await expect(js.publish('single.x', 'lost')).rejects.toThrow();
  } finally {
    await singleHome.start();
  }
}, 120_000);
