import { Subjects } from '@agentry/contracts';
import { startExecutorTestbed, type ExecutorTestbed } from './testing/executor-harness.js';

/**
 * `buster.setAgentObject(agentId, object)` / `getAgentObject(agentId)` for ANOTHER agent: through the
 * registry with the run's own org, so an agent of the same org is reachable and another org's is
 * "Agent not found" to the script (the registry sees the run's actor, never the target's org).
 */
let bed: ExecutorTestbed;

beforeAll(async () => {
  bed = await startExecutorTestbed({ config: { isolation: 'none' } });
});

afterAll(async () => {
  await bed?.close();
});

const objectOf = async (agentId: number, actor = bed.actor) => {
  const agent = await bed.rpc.request(Subjects.agents.fetch, { actor, params: { id: agentId, withAgentObject: true } });
  return JSON.parse(agent.agentObject ?? 'null') as unknown;
};

test('a run sets and reads another agent of its org; another org agent is "Agent not found" and left untouched', async () => {
  const sibling = await bed.agentWithScript('console.log(1)', { agentObject: '{"n":1}' });
  const stranger = await bed.newOrgActor();
  const foreign = await bed.agentWithScript('console.log(1)', { agentObject: '{"mine":true}' }, stranger);
  const script = `
const buster = require('phantombuster').create();
(async () => {
  const before = await buster.getAgentObject(${sibling});
  await buster.setAgentObject(${sibling}, { n: before.n + 1, from: buster.agentId });
  const after = await buster.getAgentObject(${sibling});
  const refusedSet = await buster.setAgentObject(${foreign}, { stolen: true }).then(() => 'accepted', (e) => e.message);
  const refusedGet = await buster.getAgentObject(${foreign}).then(() => 'read', (e) => e.message);
  await new Promise((resolve, reject) => buster.setAgentObject({ own: true }, (err) => (err ? reject(err) : resolve())));
  console.log(JSON.stringify({ after, refusedSet, refusedGet }));
})().catch((e) => { console.error('FAILED ' + e.stack); process.exit(3); });
`;
  const agentId = await bed.agentWithScript(script);
  const { containerId } = await bed.launch({ agentId });
  const state = await bed.waitEnded(containerId);
  const output = (await bed.durableOutput(containerId)).toString('utf8');
  expect(state.ended?.status === 'complete' ? 'complete' : output).toBe('complete');
  expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual({
    after: { n: 2, from: agentId },
    refusedSet: 'Agent not found',
    refusedGet: 'Agent not found',
  });
  expect(await objectOf(sibling)).toEqual({ n: 2, from: agentId });
  expect(await objectOf(agentId)).toEqual({ own: true });
  expect(await objectOf(foreign, stranger)).toEqual({ mine: true });
});
