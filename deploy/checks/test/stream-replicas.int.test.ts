// deploy/images/ops/raise-stream-replicas.mjs (the `ha` CronJob) against a real three-node
// JetStream cluster on loopback: streams the services created with one replica end with three,
// a second run changes nothing, and a required stream that does not exist yet fails the Job.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { ensureNatsServerBinary, freePort } from '@agentry/local-servers';
import { REPO_ROOT } from '../src/render.js';

const SCRIPT = join(REPO_ROOT, 'deploy/images/ops/raise-stream-replicas.mjs');
let dir: string;
const servers: ChildProcess[] = [];
let url: string;
let nc: NatsConnection;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentry-stream-replicas-'));
  const binary = await ensureNatsServerBinary();
  const nodes = await Promise.all([0, 1, 2].map(async (i) => ({ i, client: await freePort(), route: await freePort() })));
  const ready = nodes.map(({ i, client, route }) => {
    mkdirSync(join(dir, `n${i}`));
    const routes = nodes.filter((n) => n.i !== i).map((n) => `nats-route://127.0.0.1:${n.route}`);
    const conf = join(dir, `n${i}.conf`);
    writeFileSync(
      conf,
      `server_name: n${i}\nlisten: 127.0.0.1:${client}\njetstream { store_dir: ${join(dir, `n${i}`)} }\ncluster { name: t, listen: 127.0.0.1:${route}, routes: [${routes.join(', ')}] }\n`,
    );
    const server = spawn(binary, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    servers.push(server);
    return new Promise<void>((resolve, reject) => {
      let log = '';
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('Server is ready')) resolve();
      };
      server.stdout!.on('data', onData);
      server.stderr!.on('data', onData);
      server.once('exit', (code) => reject(new Error(`nats-server n${i} exited (${code}):\n${log}`)));
    });
  });
  await Promise.all(ready);
  url = `nats://127.0.0.1:${nodes[0].client}`;
  nc = await connect({ servers: url });
  // The cluster elects its JetStream meta leader after the routes are up: retry until a stream can be made.
  for (let attempt = 0; ; attempt++) {
    try {
      await (await jetstreamManager(nc, { timeout: 1000 })).streams.add({ name: 'EVENTS', subjects: ['events.>'], num_replicas: 1 });
      break;
    } catch (err) {
      if (attempt > 100) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await (await jetstreamManager(nc)).streams.add({ name: 'LAUNCHES', subjects: ['launches.>'], num_replicas: 1 });
}, 60_000);

afterAll(async () => {
  await nc?.close();
  for (const server of servers) server.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const raise = (env: Record<string, string>) =>
  spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', env: { PATH: process.env.PATH, NATS_URL: url, ...env } });
const replicasOf = async (name: string) => (await (await jetstreamManager(nc)).streams.info(name)).config.num_replicas;

test('every stream below STREAM_REPLICAS is raised to it, once', async () => {
  expect([await replicasOf('EVENTS'), await replicasOf('LAUNCHES')]).toEqual([1, 1]);
  const first = raise({ STREAM_REPLICAS: '3', REQUIRED_STREAMS: 'EVENTS,LAUNCHES' });
  expect([first.status, first.stderr]).toEqual([0, '']);
  expect(first.stdout.match(/stream replicas raised/g)).toHaveLength(2);
  expect([await replicasOf('EVENTS'), await replicasOf('LAUNCHES')]).toEqual([3, 3]);
  const second = raise({ STREAM_REPLICAS: '3', REQUIRED_STREAMS: 'EVENTS,LAUNCHES' });
  expect([second.status, second.stdout]).toEqual([0, '']);
}, 60_000);

test('a required stream the services have not created yet fails the run (the Job retries); a bad STREAM_REPLICAS is refused', async () => {
  const missing = raise({ STREAM_REPLICAS: '3', REQUIRED_STREAMS: 'EVENTS,OUTPUT' });
  expect([missing.status, missing.stderr]).toEqual([1, expect.stringContaining('"missing":["OUTPUT"]')]);
  const bad = raise({ STREAM_REPLICAS: 'three' });
  expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('STREAM_REPLICAS must be a whole number from 1 to 5')]);
}, 60_000);
