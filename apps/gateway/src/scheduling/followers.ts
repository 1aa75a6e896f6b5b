import type { AgentView } from '@agentry/contracts';

/**
 * Every agent that follows `masterId` (its `launchAfterAgentId`), directly or down a chain, nearest
 * first. Cycles are rejected at save; the visited set guards anyway so a bad record cannot loop.
 */
export function followersOf(agents: readonly AgentView[], masterId: number): number[] {
  const followersByMaster = new Map<number, number[]>();
  for (const agent of agents) {
    const master = agent.settings.launchAfterAgentId;
    if (master === null || master === undefined) continue;
    followersByMaster.set(master, [...(followersByMaster.get(master) ?? []), agent.id]);
  }
  const visited = new Set<number>([masterId]);
  const found: number[] = [];
  const pending = [masterId];
  while (pending.length > 0) {
    for (const follower of followersByMaster.get(pending.shift()!) ?? []) {
      if (visited.has(follower)) continue;
      visited.add(follower);
      found.push(follower);
      pending.push(follower);
    }
  }
  return found;
}
