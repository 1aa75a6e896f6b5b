import { useProjectionTestBed } from '@agentry/testing';
import { outputDataSource } from '../../output-app.js';
import { directoryProjection } from './directory.projection.js';

const bed = useProjectionTestBed((url) => outputDataSource(url, 'output-directory-test'));

const append = (stream: string, type: string, data: Record<string, unknown>) => bed.append(stream, 's', type, data);
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
  agents: await bed.dataSource.query(`SELECT * FROM output_agents ORDER BY agent_id`),
  scripts: await bed.dataSource.query(`SELECT * FROM output_scripts ORDER BY script_id`),
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

  const oneAtATime = await bed.foldThreeWays(directoryProjection, snapshot);
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
});
