import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { EventStore, type StoredEventOf } from '@agentry/event-store';
import { connectNats, createRpcClient, type RpcClient } from '@agentry/messaging';
import { createTestDatabase, startTestNats, waitUntil, type TestDatabase, type TestNats } from '@agentry/testing';
import {
  ContainerRuntimeEventType,
  OUTPUT_STREAM,
  Role,
  StreamType,
  outputSubject,
  type OutputChunk,
  Subjects,
  streamId,
  type AbortAgentParams,
  type AbortAgentResult,
  type Actor,
  type ContainerEvent,
  type ContainerQueuedData,
  type LaunchAgentParams,
  type LaunchAgentResult,
  type SaveAgentResult,
} from '@agentry/contracts';
import { startTestRegistry, type RunningRegistry } from '@agentry/platform-harness';
import type { ExecutorConfig } from '../config.js';
import { fold, type ContainerState } from '../containers/domain/container.js';
import { executorDataSource, startExecutor, type RunningExecutor } from '../executor-app.js';
import { withoutNoSandboxWarning } from '../process/index.js';

export interface ExecutorTestbed {
  db: TestDatabase;
  nats: TestNats;
  registry: RunningRegistry;
  /** In-process replicas started so far (`startExecutorTestbed` starts `executors`, default 1). */
  executors: RunningExecutor[];
  /** The configuration every in-process replica got (and a child-process one can reuse). */
  config: ExecutorConfig;
  rpc: RpcClient;
  nc: NatsConnection;
  store: EventStore;
  dataSource: DataSource;
  /** The org-admin of a fresh org. */
  actor: Actor;
  /** Another replica sharing the same database, NATS and folders. */
  addExecutor(overrides?: Partial<ExecutorConfig>): Promise<RunningExecutor>;
  /** The org-admin of a fresh org (plan: 1000 agents, and what `plan` adds, e.g. `maxRunningContainers`). */
  newOrgActor(plan?: { maxRunningContainers?: number }): Promise<Actor>;
  saveScript(name: string, text: string, who?: Actor): Promise<number>;
  /** Creates (or, with `id`, updates) an agent; answers its id. */
  saveAgent(fields: Record<string, unknown>, who?: Actor): Promise<SaveAgentResult>;
  /** A script + an agent running it. */
  agentWithScript(text: string, fields?: Record<string, unknown>, who?: Actor): Promise<number>;
  launch(params: Partial<LaunchAgentParams> & { agentId: number }, who?: Actor): Promise<LaunchAgentResult>;
  abort(params: AbortAgentParams, who?: Actor): Promise<AbortAgentResult>;
  container(containerId: number): Promise<ContainerState | null>;
  containerEvents(containerId: number): Promise<StoredEventOf<ContainerEvent>[]>;
  /**
   * The console bytes the executor published to the OUTPUT stream for this container (taken off the
   * work queue: the testbed runs no output service), reassembled by offset; checks they are contiguous.
   * What the script printed: the warning line every unsandboxed run starts with is taken off
   * (`rawDurableOutput` keeps it; launch.int.test.ts shows it is there).
   */
  durableOutput(containerId: number): Promise<Buffer>;
  rawDurableOutput(containerId: number): Promise<Buffer>;
  /** Polls the container's stream until it has ended. */
  waitEnded(containerId: number, timeoutMs?: number): Promise<ContainerState>;
  /** Records container `containerId` of `agentId` (its version `versionId`) as queued, as a launch would, without publishing it. */
  recordQueued(containerId: number, agentId: number, versionId: string, who?: Actor): Promise<void>;
  close(): Promise<void>;
}

/**
 * Registry + executor replicas in this process, on a fresh database of the run's Postgres and a
 * private NATS server: launches go through NATS exactly as the gateway sends them.
 */
export async function startExecutorTestbed(opts: { config?: Partial<ExecutorConfig>; executors?: number } = {}): Promise<ExecutorTestbed> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    // As deployed: services log in to NATS; a script, which never gets the credentials, can't.
    const nats = await startTestNats({ auth: true });
    cleanups.push(() => nats.stop());
    const folders = await mkdtemp(join(tmpdir(), 'agentry-executor-test-'));
    // The run user passes through (not lists) it to its own run folder, as in a real deployment.
    await chmod(folders, 0o711);
    cleanups.push(() => rm(folders, { recursive: true, force: true }));
    const secretKey = randomBytes(32);
    // Each service logs in as itself, held to its NATS permissions (libs/contracts nats-permissions).
    const registry = await startTestRegistry({ databaseUrl: db.url, nats, secretKey });
    cleanups.push(() => registry.close());
    const config: ExecutorConfig = {
      databaseUrl: db.url,
      natsUrl: nats.urlFor('executor'),
      secretKey,
      workDir: join(folders, 'work'),
      storageDir: join(folders, 'storage'),
      isolation: 'none',
      slots: 4,
      defaultTimeLimitSeconds: 60,
      runUser: { uid: 65534, gid: 65534 },
      runLimits: {
        memoryMb: 256,
        maxFileDescriptors: 256,
        maxProcesses: 128,
        maxOutputBytes: 64 * 1024 * 1024,
        cpuPercent: 100,
        diskMb: 256,
        maxTimeLimitSeconds: 3600,
      },
      // Also how long a live replica may go without landing a beat before its runs are reaped "Executor lost":
      // on a loaded CI machine lease writes took over 1 s (TTL 3 s: "lease refresh did not answer within 1000 ms"),
      // and executor-lost saw a live retry reaped at 2 s. No test here waits on an expiry.
      heartbeatTtlMs: 5000,
      retryBackoffMs: 100,
      logLevel: 'warn',
      ...opts.config,
    };
    const executors: RunningExecutor[] = [];
    const addExecutor = async (overrides: Partial<ExecutorConfig> = {}) => {
      const executor = await startExecutor({ ...config, ...overrides });
      executors.push(executor);
      cleanups.push(() => executor.close({ graceMs: 0 }));
      return executor;
    };
    for (let i = 0; i < (opts.executors ?? 1); i++) await addExecutor();
    const rpc = await createRpcClient({ url: nats.url, name: 'executor-test', timeoutMs: 15_000 });
    cleanups.push(() => rpc.close());
    const nc = await connectNats(nats.url, 'executor-test-js');
    cleanups.push(() => nc.drain());
    const dataSource = executorDataSource(db.url);
    await dataSource.initialize();
    cleanups.push(() => dataSource.destroy());
    const store = new EventStore(dataSource);

    let orgs = 0;
    const newOrgActor = async (plan: { maxRunningContainers?: number } = {}): Promise<Actor> => {
      const platformAdmin: Actor = { orgId: 0, userId: 0, keyId: 0, roles: [Role.ORG_ADMIN], platformAdmin: true };
      orgs += 1;
      const org = await rpc.request(Subjects.orgs.create, {
        actor: platformAdmin,
        params: { name: `executor-test-${orgs}-${randomBytes(3).toString('hex')}`, plan: { maxAgents: 1000, ...plan } },
      });
      return { orgId: org.id, userId: org.adminUserId, keyId: org.apiKeyId, roles: [Role.ORG_ADMIN], platformAdmin: false };
    };
    const actor = await newOrgActor();

    const bed: ExecutorTestbed = {
      db,
      nats,
      registry,
      executors,
      config,
      rpc,
      nc,
      store,
      dataSource,
      actor,
      addExecutor,
      newOrgActor,
      async saveScript(name, text, who = actor) {
        const saved = await rpc.request(Subjects.scripts.save, { actor: who, params: { name, text } });
        return saved.id;
      },
      saveAgent: (fields, who = actor) => rpc.request(Subjects.agents.save, { actor: who, params: { fields } }),
      async agentWithScript(text, fields = {}, who = actor) {
        const scriptId = await bed.saveScript(`script-${randomBytes(4).toString('hex')}.js`, text, who);
        return (await bed.saveAgent({ scriptId, ...fields }, who)).id;
      },
      launch: (params, who = actor) => rpc.request(Subjects.executor.launch, { actor: who, params: { launchType: 'manual', ...params } }),
      abort: (params, who = actor) => rpc.request(Subjects.executor.abort, { actor: who, params }),
      async container(containerId) {
        return fold(await bed.containerEvents(containerId));
      },
      async containerEvents(containerId) {
        return (await store.readStream<ContainerEvent>(streamId(StreamType.container, containerId))).events;
      },
      durableOutput: async (containerId) => withoutNoSandboxWarning(await takeDurableOutput(nc, containerId)),
      rawDurableOutput: (containerId) => takeDurableOutput(nc, containerId),
      async waitEnded(containerId, timeoutMs = 30_000) {
        let state: ContainerState | null = null;
        await waitUntil(
          async () => {
            state = await bed.container(containerId);
            return state?.phase === 'ended';
          },
          { timeoutMs, intervalMs: 50, message: `container ${containerId} ended` },
        );
        return state!;
      },
      async recordQueued(containerId, agentId, versionId, who = actor) {
        const queued: ContainerQueuedData = {
          containerId,
          agentId,
          orgId: who.orgId,
          launchType: 'manual',
          agentVersionId: versionId,
          queuedAt: Date.now(),
          argument: '{}',
          retryNumber: 0,
          retryOfContainerId: null,
          maxParallelism: 1,
          launchedBy: { userId: who.userId, keyId: who.keyId },
        };
        await store.append(streamId(StreamType.container, containerId), 'container', [{ type: 'ContainerQueued', data: queued }], {
          expectedVersion: 'no_stream',
        });
      },
      // A service refused by NATS fails the test: the permission map must cover everything the services do.
      close: async () => {
        await cleanUp();
        nats.assertServicesObeyed();
      },
    };
    return bed;
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** Messages of a container's stream, in order. */
export const messagesOf = (events: ContainerEvent[]): { text: string; type: string; context: string[] }[] =>
  events.flatMap((e) =>
    e.type === ContainerRuntimeEventType.ContainerMessageAdded ? [{ text: e.data.text, type: e.data.type, context: e.data.context }] : [],
  );

async function takeDurableOutput(nc: NatsConnection, containerId: number): Promise<Buffer> {
  const jsm = await jetstreamManager(nc);
  const name = `test-output-${containerId}`;
  await jsm.consumers.add(OUTPUT_STREAM, {
    durable_name: name,
    filter_subject: outputSubject(containerId),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
  });
  const chunks: OutputChunk[] = [];
  try {
    const consumer = await jetstream(nc).consumers.get(OUTPUT_STREAM, name);
    for (let pending = (await consumer.info()).num_pending; pending > 0; pending = (await consumer.info()).num_pending) {
      const batch = await consumer.fetch({ max_messages: Math.min(pending, 500), expires: 5000 });
      for await (const msg of batch) {
        chunks.push(msg.json<OutputChunk>());
        msg.ack();
      }
    }
  } finally {
    await jsm.consumers.delete(OUTPUT_STREAM, name);
  }
  chunks.sort((a, b) => a.offset - b.offset);
  let expected = 0;
  const parts = chunks.map((chunk) => {
    if (chunk.offset !== expected) throw new Error(`output of container ${containerId} has a gap or overlap at ${expected} (chunk at ${chunk.offset})`);
    const bytes = Buffer.from(chunk.data, 'base64');
    expected += bytes.length;
    return bytes;
  });
  return Buffer.concat(parts);
}
