import { LaunchType, Subjects, type AbortAgentParams, type Actor, type SaveAgentParams } from '@agentry/contracts';
import type { RegistryClient } from '../http/registry.client.js';
import { followersOf } from './followers.js';

export interface StopAgentRequest {
  abort: AbortAgentParams;
  /** Also stop every agent chained after this one (`launchAfterAgentId`), recursively. */
  cascadeToFollowers: boolean;
  /** Then save the agent with `launchType: "manually"` so its schedule stops. */
  switchToManualLaunch: boolean;
}

/**
 * v2 `agents/stop`: aborts the agent (and, on request, its followers' running and queued
 * containers), then turns it manual on request. Every step runs with the caller's rights.
 * Answers every container stopped.
 */
export async function stopAgent(client: RegistryClient, actor: Actor, request: StopAgentRequest): Promise<number[]> {
  const { agentId } = request.abort;
  const stopped = [...(await abort(client, actor, request.abort))];
  if (request.cascadeToFollowers) {
    const { agents } = await client.call(Subjects.agents.fetchAll, actor, {});
    for (const follower of followersOf(agents, agentId)) {
      stopped.push(...(await abort(client, actor, { agentId: follower, soft: request.abort.soft ?? false })));
    }
  }
  if (request.switchToManualLaunch) await switchToManual(client, actor, agentId);
  return stopped;
}

async function abort(client: RegistryClient, actor: Actor, params: AbortAgentParams): Promise<number[]> {
  return (await client.call(Subjects.executor.abort, actor, params)).containerIds;
}

/** Saves only when the agent is not manual already (each save is a new version). */
async function switchToManual(client: RegistryClient, actor: Actor, agentId: number): Promise<void> {
  const agent = await client.call(Subjects.agents.fetch, actor, { id: agentId });
  if (agent.settings.launchType === LaunchType.manually) return;
  const params: SaveAgentParams = { fields: { id: agentId, launchType: LaunchType.manually } };
  await client.call(Subjects.agents.save, actor, params);
}
