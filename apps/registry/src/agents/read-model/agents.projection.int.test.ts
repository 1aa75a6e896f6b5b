import { createTestDatabase, type TestDatabase } from '@agentry/testing';
import { EventStore, migrate, ProjectionRunner, rebuildProjections, type LogPosition } from '@agentry/event-store';
import type { DataSource } from 'typeorm';
import { registryDataSource } from '../../registry-app.js';
import { agentsProjection } from './agents.projection.js';

const BY = { userId: 1, keyId: 2 };
let database: TestDatabase;
let dataSource: DataSource;
let store: EventStore;
beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = registryDataSource(database.url);
  await dataSource.initialize();
  await migrate(dataSource);
  store = new EventStore(dataSource);
});
afterAll(async () => {
  await dataSource?.destroy();
  await database?.drop();
});

let last: LogPosition;
let versions = 0;
const on = (agentId: number) => {
  const append = async (type: string, data: Record<string, unknown>) => {
    last = (await store.append(`agent-${agentId}`, 'agent', [{ type, data: { agentId, ...data } }], { expectedVersion: 'any' })).position;
  };
  return {
    created: (orgId = 1) => append('AgentCreated', { orgId, storageFolder: `s${agentId}`, userStorageFolder: `u${agentId}`, createdBy: BY, createdAt: 100, idempotencyKey: null }),
    saved: (name: string, at: number, proxyPassword: string | null = null, versionId = `v${++versions}`) =>
      append('AgentVersionSaved', {
        versionId, versionNumber: versions, settingsSchemaVersion: 1, reason: 'update', changedFields: ['name'],
        settings: { name, scriptId: 4, stage: 'production', tags: [1, 2], argument: '{"x":1}' },
        secrets: { proxyPassword, credentials: null }, savedBy: BY, savedAt: at,
      }),
    object: (agentObject: string) => append('AgentObjectSaved', { agentObject }),
    lifecycle: (type: string, at: number) => append(type, { at, by: BY }),
  };
};

const snapshot = async () => ({
  agents: await dataSource.query(`SELECT * FROM agents_agents ORDER BY id`),
  versions: await dataSource.query(`SELECT * FROM agents_versions ORDER BY version_id`),
});

test('the set-based fold gives the rows of one event at a time, live and rebuilt', async () => {
  await on(1).created();
  await on(1).saved('one', 200, 'sealed');
  await on(2).created(2);
  await on(1).object('{"k":1}');
  await on(1).lifecycle('AgentRetired', 300);
  await on(2).saved('two', 210);
  await on(1).lifecycle('AgentReinstated', 400);
  await on(2).lifecycle('AgentDeleted', 500);
  await on(3).saved('never created', 220); // the version is kept, no agent row
  await on(1).created(9); // a second creation changes nothing
  await on(1).saved('one again', 600, null, 'v1'); // a version id already stored: the first stays, the agent moves

  await rebuildProjections(dataSource, [agentsProjection], { batchSize: 1 });
  const oneAtATime = await snapshot();
  await rebuildProjections(dataSource, [agentsProjection], { batchSize: 5000 });
  expect(await snapshot()).toEqual(oneAtATime);
  expect(oneAtATime.agents).toEqual([
    expect.objectContaining({ id: 1, org_id: 1, status: 'active', name: 'one again', tags: [1, 2], has_proxy_password: false, agent_object: '{"k":1}', retired_at: null, updated_at: '600' }),
    expect.objectContaining({ id: 2, org_id: 2, status: 'deleted', name: 'two', deleted_at: '500' }),
  ]);
  expect(oneAtATime.versions.map((v: { version_id: string; has_proxy_password: boolean }) => [v.version_id, v.has_proxy_password])).toEqual([
    ['v1', true],
    ['v2', false],
    ['v3', false],
  ]);

  await dataSource.query(`TRUNCATE agents_agents, agents_versions; DELETE FROM projection_checkpoints WHERE name = 'registry:agents'`);
  const runner = new ProjectionRunner(dataSource, [agentsProjection], { batchSize: 3, onError: (e) => console.error(e) });
  await runner.start();
  try {
    await runner.waitFor(last);
  } finally {
    await runner.stop();
  }
  expect(await snapshot()).toEqual(oneAtATime);
});
