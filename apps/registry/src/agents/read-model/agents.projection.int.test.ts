import { useProjectionTestBed } from '@agentry/testing';
import { registryDataSource } from '../../registry-app.js';
import { agentsProjection } from './agents.projection.js';

const BY = { userId: 1, keyId: 2 };
const bed = useProjectionTestBed(registryDataSource);

let versions = 0;
const on = (agentId: number) => {
  const append = (type: string, data: Record<string, unknown>) => bed.append(`agent-${agentId}`, 'agent', type, { agentId, ...data });
  return {
    created: (orgId = 1) =>
      append('AgentCreated', { orgId, storageFolder: `s${agentId}`, userStorageFolder: `u${agentId}`, createdBy: BY, createdAt: 100, idempotencyKey: null }),
    saved: (name: string, at: number, proxyPassword: string | null = null, versionId = `v${++versions}`) =>
      append('AgentVersionSaved', {
        versionId,
        versionNumber: versions,
        settingsSchemaVersion: 1,
        reason: 'update',
        changedFields: ['name'],
        settings: { name, scriptId: 4, stage: 'production', tags: [1, 2], argument: '{"x":1}' },
        secrets: { proxyPassword, credentials: null },
        savedBy: BY,
        savedAt: at,
      }),
    object: (agentObject: string) => append('AgentObjectSaved', { agentObject }),
    lifecycle: (type: string, at: number) => append(type, { at, by: BY }),
  };
};

const snapshot = async () => ({
  agents: await bed.dataSource.query(`SELECT * FROM agents_agents ORDER BY id`),
  versions: await bed.dataSource.query(`SELECT * FROM agents_versions ORDER BY version_id`),
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

  const oneAtATime = await bed.foldThreeWays(agentsProjection, snapshot);
  expect(oneAtATime.agents).toEqual([
    expect.objectContaining({
      id: 1,
      org_id: 1,
      status: 'active',
      name: 'one again',
      tags: [1, 2],
      has_proxy_password: false,
      agent_object: '{"k":1}',
      retired_at: null,
      updated_at: '600',
    }),
    expect.objectContaining({ id: 2, org_id: 2, status: 'deleted', name: 'two', deleted_at: '500' }),
  ]);
  expect(oneAtATime.versions.map((v: { version_id: string; has_proxy_password: boolean }) => [v.version_id, v.has_proxy_password])).toEqual([
    ['v1', true],
    ['v2', false],
    ['v3', false],
  ]);
});
