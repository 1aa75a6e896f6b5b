import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventStore, ProjectionRunner, rebuildProjections } from '@agentry/event-store';
import { createRpcClient, type RpcClient } from '@agentry/messaging';
import { createTestDatabase, startTestNats, type TestDatabase, type TestNats } from '@agentry/testing';
import { ContainerEventType, Role, StreamType, Subjects, streamId, type Actor } from '@agentry/contracts';
import { startRegistry, type RunningRegistry } from '../registry-app.js';
import { AgentStreams } from './agent-streams.js';
import { decideUpdate } from './domain/decide.js';
import { agentsProjection } from './read-model/agents.projection.js';
import { agentInstancesProjection } from './read-model/instances.projection.js';

/**
 * The agents feature's read-model rebuild and its optimistic concurrency, on the registry alone
 * called over NATS the way the gateway calls it (the gateway authenticates; here the test sets
 * the actor). The agents HTTP API is tested end to end in apps/gateway/src/agents.
 */
let db: TestDatabase;
let nats: TestNats;
let registry: RunningRegistry;
let rpc: RpcClient;
let store: EventStore;
let dataSource: DataSource;
let admin: Actor;

beforeAll(async () => {
  db = await createTestDatabase();
  nats = await startTestNats();
  registry = await startRegistry({ databaseUrl: db.url, natsUrl: nats.url, secretKey: randomBytes(32), logLevel: 'warn' });
  rpc = await createRpcClient({ url: nats.url, name: 'agents-registry-test' });
  const platformAdmin: Actor = { orgId: 1, userId: 1, keyId: 1, roles: [Role.ORG_ADMIN], platformAdmin: true };
  const org = await rpc.request(Subjects.orgs.create, { actor: platformAdmin, params: { name: 'agents-registry', plan: { maxAgents: 100 } } });
  admin = { orgId: org.id, userId: org.adminUserId, keyId: 1, roles: [Role.ORG_ADMIN], platformAdmin: false };
  store = registry.app.get(EventStore);
  dataSource = registry.app.get(DataSource);
});

afterAll(async () => {
  await rpc?.close();
  await registry?.close();
  await nats?.stop();
  await db?.drop();
});

const save = async (fields: Record<string, unknown>) => (await rpc.request(Subjects.agents.save, { actor: admin, params: { fields } })).id;

let containerSeq = 900_000;
/** A container of the agent queued, started and ended, as the executor records it; waits until the registry folded it. */
async function runContainer(agentId: number) {
  containerSeq += 1;
  const base = { containerId: containerSeq, agentId };
  const events = [
    { type: ContainerEventType.ContainerQueued, data: { ...base, orgId: admin.orgId, launchType: 'manual', agentVersionId: null, queuedAt: 1 } },
    { type: ContainerEventType.ContainerStarted, data: { ...base, startedAt: 2 } },
    {
      type: ContainerEventType.ContainerEnded,
      data: { ...base, endType: 'finished', exitCode: 0, endMessage: 'Agent finished (success)', endedAt: 3, status: 'complete' },
    },
  ];
  const appended = await store.append(streamId(StreamType.container, containerSeq), StreamType.container, events, { expectedVersion: 'any' });
  await registry.app.get(ProjectionRunner).waitFor(appended.position);
}

test('rebuilding the agents read models from the log gives identical rows', async () => {
  const id = await save({ name: 'rebuild me', tags: [], userCustomMetadata: { a: 1 } });
  await save({ id, agentObject: { x: 1 } });
  await rpc.request(Subjects.agents.retire, { actor: admin, params: { id } });
  await runContainer(id);
  const tables = ['agents_agents', 'agents_versions', 'agents_instance_counts', 'agents_container_states'];
  const snapshot = async () => Promise.all(tables.map((t) => dataSource.query(`SELECT to_jsonb(t) AS row FROM ${t} t ORDER BY 1`)));
  const before = await snapshot();
  expect(before.every((rows) => rows.length > 0)).toBe(true);
  await rebuildProjections(dataSource, [agentsProjection, agentInstancesProjection]);
  expect(await snapshot()).toEqual(before);
});

test('N saves decided on the same loaded version: exactly one wins, the rest are concurrency errors', async () => {
  const id = await save({ name: 'same base' });
  const streams = registry.app.get(AgentStreams, { strict: false });
  const loaded = await streams.loadAgent(id);
  const attempts = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) => {
      const events = decideUpdate(
        loaded.state,
        { patch: { description: `same base ${i}` }, secrets: {}, versionId: randomUUID() },
        { by: { userId: 1, keyId: 1 }, now: i },
      );
      return store.append(streamId(StreamType.agent, id), StreamType.agent, events, { expectedVersion: loaded.version });
    }),
  );
  expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
  for (const a of attempts.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) {
    expect(a.reason).toMatchObject({ code: 'CONCURRENCY_CONFLICT' });
  }
  const after = await streams.loadAgent(id);
  expect(after.version).toBe(loaded.version + 1);
  expect(after.state!.versions.map((v) => v.versionNumber)).toEqual([1, 2]);
});
