import { useProjectionTestBed } from '@agentry/testing';
import { outputDataSource } from '../../output-app.js';
import { containersProjection } from './containers.projection.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');

const bed = useProjectionTestBed((url) => outputDataSource(url, 'output-projection-test'));

const on = (containerId: number, agentId = 1) => {
  const append = (type: string, data: Record<string, unknown>) => bed.append(`container-${containerId}`, 'container', type, { containerId, agentId, ...data });
  return {
    queued: (at = T0, extra: Record<string, unknown> = {}) =>
      append('ContainerQueued', { orgId: 1, launchType: 'manual', agentVersionId: 'v1', queuedAt: at, retryNumber: 0, retryOfContainerId: null, ...extra }),
    started: (at: number) => append('ContainerStarted', { startedAt: at, executorId: 'e1' }),
    ended: (at: number, status = 'finished') =>
      append('ContainerEnded', { status, endType: status, exitCode: status === 'finished' ? 0 : 1, endMessage: `Agent ${status}`, endedAt: at }),
    progressed: (progress: number, at: number) => append('ContainerProgressed', { progress, label: `p${progress}`, at }),
    message: (messageNumber: number, text: string) =>
      append('ContainerMessageAdded', { messageNumber, text, type: 'info', context: ['c'], at: T0 + messageNumber }),
    result: (value: string) => append('ContainerResultObjectSet', { resultObject: value, at: T0 }),
    sealed: (outputLength: number) => append('ContainerOutputSealed', { outputLength, at: T0 }),
    resultFile: (format: 'csv' | 'json', name: string) => append('ContainerResultFileSaved', { format, name, at: T0 }),
  };
};

const snapshot = async () => ({
  containers: await bed.dataSource.query(`SELECT * FROM output_containers ORDER BY id`),
  messages: await bed.dataSource.query(`SELECT * FROM output_messages ORDER BY container_id, message_number`),
  counters: await bed.dataSource.query(`SELECT * FROM output_launch_counters ORDER BY agent_id`),
});

/** Runs through every rule: ends are final, updates need a known row, first message of a number wins, archived ones stay out. */
async function appendStory(): Promise<void> {
  await on(1).queued();
  await on(2).queued();
  await on(1).started(T0 + 10);
  await on(1).message(1, 'first');
  await on(1).progressed(0.333333333333, T0 + 20);
  await on(1).message(1, 'duplicate number: dropped');
  await on(2).ended(T0 + 5, 'failed');
  await on(2).started(T0 + 30); // late start after the end: ignored
  await on(1).result('{"rows":3}');
  await on(1).resultFile('csv', 'leads');
  await on(1).sealed(1234);
  await on(1).ended(T0 + 40);
  await on(1).ended(T0 + 50, 'failed'); // a second end: ignored
  await on(3, 2).queued();
  await on(3, 2).queued(T0 + 99); // queued twice: counted once, first one kept
  await on(9).message(1, 'unknown container: dropped');
  await on(9).progressed(0.5, T0);
  await on(4).queued(); // archived below: counted, never inserted
  await on(4).started(T0 + 1);
  await on(4).message(1, 'archived: dropped');
  await on(5, 2).queued(T0, { userCustomMetadata: { campaign: 'spring', n: 2 }, internalMetadata: { source: 'ui' } });
  await on(5, 2).progressed(1, T0 + 60);
  await on(5, 2).resultFile('json', 'result');
  await on(9).resultFile('csv', 'unknown container: dropped');
}

test('the set-based fold gives the rows of one event at a time, live and rebuilt', async () => {
  await bed.dataSource.query(
    `INSERT INTO output_archived_containers (container_id, org_id, agent_id, ended_at, archived_at, archive_file) VALUES (4, 1, 1, 0, 0, 'x')`,
  );
  await appendStory();

  const oneAtATime = await bed.foldThreeWays(containersProjection, snapshot);

  expect(oneAtATime.containers.map((c: { id: string }) => c.id)).toEqual(['1', '2', '3', '5']);
  expect(oneAtATime.containers[0]).toMatchObject({
    status: 'ended',
    final_status: 'finished',
    started_at: String(T0 + 10),
    progress: 0.333333333333,
    result_object: '{"rows":3}',
    output_length: '1234',
    launch_number: 1,
    csv_name: 'leads',
    json_name: null,
  });
  expect(oneAtATime.containers[1]).toMatchObject({ status: 'ended', final_status: 'failed', started_at: null, launch_number: 2 });
  expect(oneAtATime.containers[2]).toMatchObject({
    queued_at: String(T0),
    launch_number: 1,
    user_custom_metadata: null,
    internal_metadata: null,
    csv_name: null,
    json_name: null,
  });
  expect(oneAtATime.containers[3]).toMatchObject({
    user_custom_metadata: { campaign: 'spring', n: 2 },
    internal_metadata: { source: 'ui' },
    csv_name: null,
    json_name: 'result',
  });
  expect(oneAtATime.messages).toEqual([expect.objectContaining({ container_id: '1', message_number: 1, text: 'first', context: ['c'] })]);
  expect(oneAtATime.counters).toEqual([
    { agent_id: 1, launches: 3 },
    { agent_id: 2, launches: 2 },
  ]);
});
