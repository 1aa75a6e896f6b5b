import { useProjectionTestBed } from '@agentry/testing';
import { notifierDataSource } from '../notifier-app.js';
import { notificationsProjection } from './notifications.projection.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const BY = { userId: 1, keyId: 1 };
const NOTIFY = { webhooks: [{ url: 'https://hooks.example.test/a', on: ['finished'] }] };

const bed = useProjectionTestBed(notifierDataSource);

const saved = (agentId: number, versionId: string, name: string, notifications: unknown) =>
  bed.append(`agent-${agentId}`, 'agent', 'AgentVersionSaved', {
    agentId,
    versionId,
    versionNumber: 1,
    settingsSchemaVersion: 1,
    settings: { name, notifications },
    secrets: { proxyPassword: null, credentials: null },
    savedBy: BY,
    savedAt: T0,
    reason: 'update',
    changedFields: [],
  });

const on = (containerId: number) => {
  const append = (type: string, data: Record<string, unknown>) =>
    bed.append(`container-${containerId}`, 'container', type, { containerId, agentId: 7, ...data });
  return {
    queued: (versionId: string | null, at = T0) => append('ContainerQueued', { orgId: 3, launchType: 'manual', agentVersionId: versionId, queuedAt: at }),
    started: (at: number) => append('ContainerStarted', { startedAt: at, executorId: 'e1' }),
    result: (resultObject: string) => append('ContainerResultObjectSet', { resultObject, at: T0 }),
  };
};

const rows = async () => ({
  versions: await bed.dataSource.query(`SELECT * FROM notifier_agent_versions ORDER BY version_id`),
  containers: await bed.dataSource.query(`SELECT * FROM notifier_containers ORDER BY container_id`),
});

test('the set-based fold gives the rows of one event at a time, live and rebuilt', async () => {
  await saved(7, 'v1', 'first', NOTIFY);
  await on(1).queued('v1');
  await saved(7, 'v1', 'renamed', null); // the same version again: the first row stays
  await on(1).started(T0 + 1);
  await on(1).result('{"n":1}');
  await on(2).started(T0 + 2); // before its queue event: nothing to update
  await on(2).queued('v2', T0 + 3);
  await on(1).result('{"n":2}'); // the last result object wins
  await on(1).queued('v9', T0 + 50); // queued again: the first row stays
  await on(3).result('{"lost":true}'); // unknown container: no row
  await saved(8, 'v2', 'second', null);
  await on(4).queued(null);
  await on(2).result('');

  const oneAtATime = await bed.foldThreeWays(notificationsProjection, rows);
  expect(oneAtATime).toEqual({
    versions: [
      { version_id: 'v1', agent_id: 7, agent_name: 'first', notifications: NOTIFY },
      { version_id: 'v2', agent_id: 8, agent_name: 'second', notifications: null },
    ],
    containers: [
      {
        container_id: 1,
        agent_id: 7,
        org_id: 3,
        agent_version_id: 'v1',
        launch_type: 'manual',
        queued_at: String(T0),
        started_at: String(T0 + 1),
        result_object: '{"n":2}',
      },
      {
        container_id: 2,
        agent_id: 7,
        org_id: 3,
        agent_version_id: 'v2',
        launch_type: 'manual',
        queued_at: String(T0 + 3),
        started_at: null,
        result_object: '',
      },
      { container_id: 4, agent_id: 7, org_id: 3, agent_version_id: null, launch_type: 'manual', queued_at: String(T0), started_at: null, result_object: null },
    ],
  });
});
