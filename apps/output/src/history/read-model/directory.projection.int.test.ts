import { createTestDatabase, type TestDatabase } from '@agentry/testing';
import { EventStore, migrate, ProjectionRunner, rebuildProjections, type LogPosition } from '@agentry/event-store';
import type { DataSource } from 'typeorm';
import { outputDataSource } from '../../output-app.js';
import { directoryProjection } from './directory.projection.js';

let database: TestDatabase;
let dataSource: DataSource;
let store: EventStore;
beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = outputDataSource(database.url, 'output-directory-test');
  await dataSource.initialize();
  await migrate(dataSource);
  store = new EventStore(dataSource);
});
afterAll(async () => {
  await dataSource?.destroy();
  await database?.drop();
});

let last: LogPosition;
const append = async (stream: string, type: string, data: Record<string, unknown>) => {
  last = (await store.append(stream, 's', [{ type, data }], { expectedVersion: 'any' })).position;
};
const agent = (agentId: number) => ({
  created: (orgId = 1) => append(`agent-${agentId}`, 'AgentCreated', { agentId, orgId }),
  saved: (name: string, scriptId: number | null) => append(`agent-${agentId}`, 'AgentVersionSaved', { agentId, settings: { name, scriptId } }),
  deleted: () => append(`agent-${agentId}`, 'AgentDeleted', { agentId, at: 1 }),
});
const script = (scriptId: number) => ({
  saved: (name: string, orgId = 1) => append(`script-${scriptId}`, 'ScriptSaved', { scriptId, orgId, name }),
  deleted: () => append(`script-${scriptId}`, 'ScriptDeleted', { scriptId }),
});

const snapshot = async () => ({
  agents: await dataSource.query(`SELECT * FROM output_agents ORDER BY agent_id`),
  scripts: await dataSource.query(`SELECT * FROM output_scripts ORDER BY script_id`),
});

test('the set-based fold gives the rows of one event at a time, live and rebuilt', async () => {
  await agent(1).created();
  await script(5).saved('a.js');
  await agent(1).saved('first', 5);
  await agent(2).saved('never created', null);
  await agent(3).created(2);
  await script(6).saved('b.js');
  await script(5).saved('renamed.js', 2);
  await agent(3).deleted();
  await agent(3).saved('after delete', 6);
  await script(6).deleted();
  await script(7).deleted();
  await script(7).saved('back.js');
  await agent(1).created(9);

  await rebuildProjections(dataSource, [directoryProjection], { batchSize: 1 });
  const oneAtATime = await snapshot();
  await rebuildProjections(dataSource, [directoryProjection], { batchSize: 5000 });
  expect(await snapshot()).toEqual(oneAtATime);
  expect(oneAtATime).toEqual({
    agents: [
      { agent_id: 1, org_id: 1, name: 'first', script_id: 5, deleted: false },
      { agent_id: 3, org_id: 2, name: 'after delete', script_id: 6, deleted: true },
    ],
    scripts: [
      { script_id: 5, org_id: 2, name: 'renamed.js' },
      { script_id: 7, org_id: 1, name: 'back.js' },
    ],
  });

  await dataSource.query(`TRUNCATE output_agents, output_scripts; DELETE FROM projection_checkpoints WHERE name = 'output:directory'`);
  const runner = new ProjectionRunner(dataSource, [directoryProjection], { batchSize: 3, onError: (e) => console.error(e) });
  await runner.start();
  try {
    await runner.waitFor(last);
  } finally {
    await runner.stop();
  }
  expect(await snapshot()).toEqual(oneAtATime);
});
