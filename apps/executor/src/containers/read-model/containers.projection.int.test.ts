import { createTestDatabase, type TestDatabase } from '@agentry/testing';
import { EventStore, migrate, ProjectionRunner, rebuildProjections, type LogPosition } from '@agentry/event-store';
import type { DataSource } from 'typeorm';
import { executorDataSource } from '../../executor-app.js';
import { executorContainersProjection } from './containers.projection.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');

let database: TestDatabase;
let dataSource: DataSource;
let store: EventStore;
beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = executorDataSource(database.url);
  await dataSource.initialize();
  await migrate(dataSource);
  store = new EventStore(dataSource);
});
afterAll(async () => {
  await dataSource?.destroy();
  await database?.drop();
});

let last: LogPosition;
const on = (containerId: number) => {
  const append = async (type: string, data: Record<string, unknown>) => {
    last = (await store.append(`container-${containerId}`, 'container', [{ type, data: { containerId, agentId: 7, ...data } }], { expectedVersion: 'any' })).position;
  };
  return {
    queued: (at = T0) => append('ContainerQueued', { orgId: 3, launchType: 'manual', agentVersionId: 'v1', queuedAt: at }),
    started: (at: number, executorId?: string) => append('ContainerStarted', { startedAt: at, ...(executorId ? { executorId } : {}) }),
    ended: (at: number) => append('ContainerEnded', { status: 'finished', endType: 'finished', exitCode: 0, endMessage: 'done', endedAt: at }),
    abort: (soft: boolean) => append('ContainerAbortRequested', { soft, requestedBy: null, at: T0 }),
  };
};

const rows = () => dataSource.query(`SELECT * FROM executor_containers ORDER BY container_id`);

test('the set-based fold gives the rows of one event at a time, live and rebuilt', async () => {
  await on(1).queued();
  await on(2).queued();
  await on(1).started(T0 + 1, 'e1');
  await on(1).queued(T0 + 50); // queued again: the first row stays
  await on(2).abort(true);
  await on(2).ended(T0 + 2);
  await on(2).started(T0 + 3, 'late'); // after the end: ignored
  await on(3).started(T0, 'e1'); // unknown container: no row
  await on(4).queued();
  await on(4).started(T0 + 4); // no executor id
  await on(4).abort(false);
  await on(4).abort(true);
  await on(1).ended(T0 + 9);
  await on(1).ended(T0 + 99); // a second end: ignored

  await rebuildProjections(dataSource, [executorContainersProjection], { batchSize: 1 });
  const oneAtATime = await rows();
  await rebuildProjections(dataSource, [executorContainersProjection], { batchSize: 5000 });
  expect(await rows()).toEqual(oneAtATime);
  expect(oneAtATime).toEqual([
    expect.objectContaining({ container_id: '1', phase: 'ended', queued_at: String(T0), started_at: String(T0 + 1), ended_at: String(T0 + 9), executor_id: 'e1' }),
    expect.objectContaining({ container_id: '2', phase: 'ended', started_at: null, ended_at: String(T0 + 2), abort_requested: true, abort_soft: true }),
    expect.objectContaining({ container_id: '4', phase: 'running', executor_id: null, abort_requested: true, abort_soft: true }),
  ]);

  await dataSource.query(`TRUNCATE executor_containers; DELETE FROM projection_checkpoints WHERE name = 'executor:containers'`);
  const runner = new ProjectionRunner(dataSource, [executorContainersProjection], { batchSize: 3, onError: (e) => console.error(e) });
  await runner.start();
  try {
    await runner.waitFor(last);
  } finally {
    await runner.stop();
  }
  expect(await rows()).toEqual(oneAtATime);
});
