import { nextFireTimes, scheduleSpecOf } from '@agentry/schedules';
import { Subjects, type Actor, type AgentView } from '@agentry/contracts';
import type { RegistryClient } from '../http/registry.client.js';

export const DEFAULT_NEXT_LAUNCH_DATES = 5;
export const MAX_NEXT_LAUNCH_DATES = 50;

/**
 * The agent's next planned launches (Unix ms) after `now`, by the same rules the scheduler fires with:
 * rate schedules count from the current version's save (`anchorMs`). A retired agent or one launched
 * manually / after an agent has none.
 */
export function nextLaunchDates(agent: AgentView, anchorMs: number, now: number, count: number): number[] {
  if (agent.status !== 'active') return [];
  const spec = scheduleSpecOf(agent.settings, anchorMs);
  return spec ? nextFireTimes(spec, now, count) : [];
}

/** What a fetched agent's rate schedule counts from: its current version's save; null when it has no launches planned. */
export async function scheduleAnchorOf(client: RegistryClient, actor: Actor, agent: AgentView): Promise<number | null> {
  if (agent.status !== 'active' || !scheduleSpecOf(agent.settings, agent.updatedAt)) return null;
  const { versions } = await client.call(Subjects.agents.versions, actor, { id: agent.id });
  return versions.find((v) => v.versionId === agent.currentVersionId)?.savedAt ?? agent.updatedAt;
}

/** `nextLaunchDates` of a fetched agent, anchored on its current version's save (looked up only when it has a schedule). */
export async function agentNextLaunchDates(client: RegistryClient, actor: Actor, agent: AgentView, count: number, now = Date.now()): Promise<number[]> {
  const anchorMs = await scheduleAnchorOf(client, actor, agent);
  return anchorMs === null ? [] : nextLaunchDates(agent, anchorMs, now, count);
}
