import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { createDataSource, EventStore, type AppendResult } from '@agentry/event-store';
import { createRpcClient, type RpcClient } from '@agentry/messaging';
import { createTestDatabase, startTestNats, type TestDatabase, type TestNats } from '@agentry/testing';
import {
  AgentEventType,
  ContainerEventType,
  ContainerRuntimeEventType,
  ScriptEventType,
  StreamType,
  outputSubject,
  streamId,
  type Actor,
  type ContainerEndedData,
  type ContainerLaunchType,
  type ContainerQueuedData,
  type OutputChunk,
  type RpcParams,
  type RpcResult,
  type RpcSubject,
} from '@agentry/contracts';
import { startOutput, type RunningOutput } from '../output-app.js';

export const actorOf = (orgId: number): Actor => ({ orgId, userId: 1, keyId: 1, roles: [], platformAdmin: false });

/**
 * The output service on a real Postgres database and a private NATS server, with what the executor and the
 * registry would do around it: append agent / container events, publish console chunks to stream OUTPUT.
 */
export class OutputTestKit {
  private nextContainerId = 1;
  private nextAgentId = 1;

  private constructor(
    readonly db: TestDatabase,
    readonly nats: TestNats,
    private running: RunningOutput,
    readonly rpc: RpcClient,
    readonly dataSource: DataSource,
    readonly store: EventStore,
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
  ) {}

  /** Stops what it started when a later step fails, so a broken service leaves no server behind. */
  static async start(): Promise<OutputTestKit> {
    const started: (() => Promise<unknown>)[] = [];
    try {
      const db = await createTestDatabase();
      started.push(() => db.drop());
      const nats = await startTestNats();
      started.push(() => nats.stop());
      const output = await startOutput(outputConfig(db, nats));
      started.push(() => output.close());
      const rpc = await createRpcClient({ url: nats.url, name: 'output-test' });
      started.push(() => rpc.close());
      const dataSource = createDataSource({ url: db.url, name: 'output-test' });
      await dataSource.initialize();
      started.push(() => dataSource.destroy());
      const nc = await connect({ servers: nats.url });
      return new OutputTestKit(db, nats, output, rpc, dataSource, new EventStore(dataSource), nc, jetstream(nc));
    } catch (error) {
      while (started.length) await started.pop()!().catch(() => undefined);
      throw error;
    }
  }

  get output(): RunningOutput {
    return this.running;
  }

  /** Stops the service, runs `whileDown`, starts it again (same database, same NATS). */
  async restartOutput(whileDown: () => Promise<void>): Promise<void> {
    await this.running.close();
    await whileDown();
    this.running = await startOutput(outputConfig(this.db, this.nats));
  }

  async close(): Promise<void> {
    await this.nc.close();
    await this.rpc.close();
    await this.dataSource.destroy();
    await this.running.close();
    await this.nats.stop();
    await this.db.drop();
  }

  request<S extends RpcSubject>(subject: S, orgId: number, params: RpcParams<S>): Promise<RpcResult<S>> {
    return this.rpc.request(subject, { actor: actorOf(orgId), params });
  }

  /** Appends and (unless `projected` is false) waits until the output service's projections show it. */
  async append(stream: string, type: string, data: unknown, { projected = true } = {}): Promise<AppendResult> {
    const result = await this.store.append(stream, stream.split('-')[0], [{ type, data }], { expectedVersion: 'any' });
    if (projected) await this.output.projections.waitFor(result.position);
    return result;
  }

  async createScript(orgId: number, scriptId: number, name: string): Promise<void> {
    await this.append(streamId(StreamType.script, scriptId), ScriptEventType.saved, {
      scriptId,
      orgId,
      name,
      text: '',
      source: 'test',
      nonce: 1,
      savedAt: 1,
      createdAt: 1,
    });
  }

  async createAgent(orgId: number, name: string, scriptId: number | null = null): Promise<number> {
    const agentId = this.nextAgentId++;
    const stream = streamId(StreamType.agent, agentId);
    await this.append(stream, AgentEventType.AgentCreated, { agentId, orgId, createdAt: 1 });
    await this.append(stream, AgentEventType.AgentVersionSaved, { agentId, versionId: `v${agentId}`, settings: { name, scriptId } });
    return agentId;
  }

  async queue(
    orgId: number,
    agentId: number,
    opts: { at?: number; launchType?: ContainerLaunchType; retryNumber?: number; retryOfContainerId?: number; projected?: boolean } = {},
  ): Promise<number> {
    const containerId = this.nextContainerId++;
    const data: ContainerQueuedData & Record<string, unknown> = {
      containerId,
      agentId,
      orgId,
      launchType: opts.launchType ?? 'manual',
      agentVersionId: `v${agentId}`,
      queuedAt: opts.at ?? 1_000_000,
      ...(opts.retryNumber !== undefined ? { retryNumber: opts.retryNumber, retryOfContainerId: opts.retryOfContainerId } : {}),
    };
    await this.append(containerStream(containerId), ContainerEventType.ContainerQueued, data, { projected: opts.projected ?? true });
    return containerId;
  }

  start(containerId: number, agentId: number, at: number) {
    return this.append(containerStream(containerId), ContainerEventType.ContainerStarted, { containerId, agentId, startedAt: at });
  }

  end(containerId: number, agentId: number, at: number, outcome: Partial<ContainerEndedData> = {}) {
    return this.append(containerStream(containerId), ContainerEventType.ContainerEnded, {
      containerId,
      agentId,
      status: 'complete',
      endType: 'finished',
      exitCode: 0,
      endMessage: 'Agent finished (success)',
      endedAt: at,
      ...outcome,
    });
  }

  seal(containerId: number, agentId: number, outputLength: number) {
    return this.append(containerStream(containerId), ContainerRuntimeEventType.ContainerOutputSealed, { containerId, agentId, outputLength, at: 0 });
  }

  runtimeEvent(containerId: number, type: string, data: Record<string, unknown>) {
    return this.append(containerStream(containerId), type, { containerId, ...data });
  }

  /** Publishes console bytes starting at `offset` to stream OUTPUT, as the executor does. */
  async publishChunk(containerId: number, offset: number, bytes: Buffer): Promise<void> {
    const chunk: OutputChunk = { containerId, agentId: 0, orgId: 0, offset, data: bytes.toString('base64') };
    await this.js.publish(outputSubject(containerId), JSON.stringify(chunk));
  }
}

const outputConfig = (db: TestDatabase, nats: TestNats) => ({
  databaseUrl: db.url,
  natsUrl: nats.urlFor('output'),
  logLevel: 'warn' as const,
  retentionDays: 7,
});

export const containerStream = (containerId: number) => streamId(StreamType.container, containerId);
