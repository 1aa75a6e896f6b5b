import { useProjectionTestBed } from '@agentry/testing';
import { executorDataSource } from '../../executor-app.js';
import { executorContainersProjection } from './containers.projection.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');

const bed = useProjectionTestBed(executorDataSource);

const on = (containerId: number) => {
  const append = (type: string, data: Record<string, unknown>) =>
    bed.append(`container-${containerId}`, 'container', type, { containerId, agentId: 7, ...data });
  return {
    queued: (at = T0) => append('ContainerQueued', { orgId: 3, launchType: 'manual', agentVersionId: 'v1', queuedAt: at }),
    started: (at: number, executorId?: string) => append('ContainerStarted', { startedAt: at, ...(executorId ? { executorId } : {}) }),
    ended: (at: number) => append('ContainerEnded', { status: 'finished', endType: 'finished', exitCode: 0, endMessage: 'done', endedAt: at }),
    abort: (soft: boolean) => append('ContainerAbortRequested', { soft, requestedBy: null, at: T0 }),
  };
};

const rows = () => bed.dataSource.query(`SELECT * FROM executor_containers ORDER BY container_id`);

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

  const oneAtATime = await bed.foldThreeWays(executorContainersProjection, rows);
  expect(oneAtATime).toEqual([
    expect.objectContaining({
      container_id: '1',
      phase: 'ended',
      queued_at: String(T0),
      started_at: String(T0 + 1),
      ended_at: String(T0 + 9),
      executor_id: 'e1',
    }),
    expect.objectContaining({ container_id: '2', phase: 'ended', started_at: null, ended_at: String(T0 + 2), abort_requested: true, abort_soft: true }),
    expect.objectContaining({ container_id: '4', phase: 'running', executor_id: null, abort_requested: true, abort_soft: true }),
  ]);
});
