import { createTestDatabase, type TestDatabase } from '@agentry/testing';
import { EventStore, migrate, ProjectionRunner, rebuildProjections, type LogPosition } from '@agentry/event-store';
import type { DataSource } from 'typeorm';
import { registryDataSource } from '../../registry-app.js';
import { agentInstancesProjection } from './instances.projection.js';

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
const on = (containerId: number, agentId: number) => {
  const append = async (type: string, data: Record<string, unknown>) => {
    last = (await store.append(`container-${containerId}`, 'container', [{ type, data: { containerId, agentId, ...data } }], { expectedVersion: 'any' })).position;
  };
  return {
    queued: () => append('ContainerQueued', { orgId: 1, launchType: 'manual', agentVersionId: 'v1', queuedAt: 1 }),
    started: () => append('ContainerStarted', { startedAt: 2 }),
    ended: (status: string, endMessage: string | null, launchFailed = false) =>
      append('ContainerEnded', { status, endType: status === 'complete' ? 'finished' : 'error', exitCode: 0, endMessage, endedAt: 3, launchFailed }),
  };
};

const snapshot = async () => ({
  counts: await dataSource.query(`SELECT * FROM agents_instance_counts ORDER BY agent_id`),
  states: await dataSource.query(`SELECT * FROM agents_container_states ORDER BY container_id`),
});

test('the set-based fold gives the counts of one event at a time, live and rebuilt', async () => {
  await on(1, 10).queued();
  await on(2, 10).queued();
  await on(1, 10).started();
  await on(1, 10).ended('complete', 'Agent finished');
  await on(1, 10).started(); // late start after the end: nothing moves
  await on(2, 10).ended('failed', null); // no end message: the last one stays
  await on(3, 11).started(); // first seen started
  await on(3, 11).queued(); // queued after started: nothing moves
  await on(4, 11).queued();
  await on(4, 11).ended('cancelled', 'Aborted', true);

  await rebuildProjections(dataSource, [agentInstancesProjection], { batchSize: 1 });
  const oneAtATime = await snapshot();
  await rebuildProjections(dataSource, [agentInstancesProjection], { batchSize: 5000 });
  expect(await snapshot()).toEqual(oneAtATime);
  expect(oneAtATime.counts).toEqual([
    { agent_id: 10, pending: 0, active: 0, complete: 1, failed: 1, cancelled: 0, total: 2, last_end_message: 'Agent finished', last_end_status: 'error', last_end_type: 'error' },
    { agent_id: 11, pending: 0, active: 1, complete: 0, failed: 0, cancelled: 1, total: 2, last_end_message: 'Aborted', last_end_status: 'launch failed', last_end_type: 'error' },
  ]);

  await dataSource.query(`TRUNCATE agents_instance_counts, agents_container_states; DELETE FROM projection_checkpoints WHERE name = 'registry:agent-instances'`);
  const runner = new ProjectionRunner(dataSource, [agentInstancesProjection], { batchSize: 3, onError: (e) => console.error(e) });
  await runner.start();
  try {
    await runner.waitFor(last);
  } finally {
    await runner.stop();
  }
  expect(await snapshot()).toEqual(oneAtATime);
});
