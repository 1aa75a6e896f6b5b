import type { AgentView } from '@agentry/contracts';
import { followersOf } from './followers.js';

const agent = (id: number, launchAfterAgentId: number | null) => ({ id, settings: { launchAfterAgentId } }) as unknown as AgentView;

test('direct and chained followers, nearest first; unrelated agents left out', () => {
  const agents = [agent(1, null), agent(2, 1), agent(3, 2), agent(4, 1), agent(5, 3), agent(6, null), agent(7, 6)];
  expect(followersOf(agents, 1)).toEqual([2, 4, 3, 5]);
  expect(followersOf(agents, 3)).toEqual([5]);
  expect(followersOf(agents, 5)).toEqual([]);
});

test('a cycle in the records ends the walk instead of looping', () => {
  const agents = [agent(1, 3), agent(2, 1), agent(3, 2)];
  expect(followersOf(agents, 1)).toEqual([2, 3]);
});
