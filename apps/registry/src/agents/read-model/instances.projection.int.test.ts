import { useProjectionTestBed } from '@agentry/testing';
import { registryDataSource } from '../../registry-app.js';
import { agentInstancesProjection } from './instances.projection.js';

const bed = useProjectionTestBed(registryDataSource);

const on = (containerId: number, agentId: number) => {
  const append = (type: string, data: Record<string, unknown>) => bed.append(`container-${containerId}`, 'container', type, { containerId, agentId, ...data });
  return {
    queued: () => append('ContainerQueued', { orgId: 1, launchType: 'manual', agentVersionId: 'v1', queuedAt: 1 }),
    started: () => append('ContainerStarted', { startedAt: 2 }),
    ended: (status: string, endMessage: string | null, launchFailed = false) =>
      append('ContainerEnded', { status, endType: status === 'complete' ? 'finished' : 'error', exitCode: 0, endMessage, endedAt: 3, launchFailed }),
  };
};

const snapshot = async () => ({
  counts: await bed.dataSource.query(`SELECT * FROM agents_instance_counts ORDER BY agent_id`),
  states: await bed.dataSource.query(`SELECT * FROM agents_container_states ORDER BY container_id`),
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

  const oneAtATime = await bed.foldThreeWays(agentInstancesProjection, snapshot);
  expect(oneAtATime.counts).toEqual([
    {
      agent_id: 10,
      pending: 0,
      active: 0,
      complete: 1,
      failed: 1,
      cancelled: 0,
      total: 2,
      last_end_message: 'Agent finished',
      last_end_status: 'error',
      last_end_type: 'error',
    },
    {
      agent_id: 11,
      pending: 0,
      active: 1,
      complete: 0,
      failed: 0,
      cancelled: 1,
      total: 2,
      last_end_message: 'Aborted',
      last_end_status: 'launch failed',
      last_end_type: 'error',
    },
  ]);
});
