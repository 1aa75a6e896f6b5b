import { AgentEventType, checkJsonObjectText, type AgentEvent } from '@agentry/contracts';
import type { AgentState } from './agent.js';
import type { CommandContext } from './decide.js';
import { requireExisting } from './decide.js';

/** A script's agent object stays small: it travels in every request and lives in the read model. */
export const AGENT_OBJECT_MAX_BYTES = 256 * 1024;

/** Validates a run's `setAgentObject`: JSON object text (or null to clear), within the size limit. */
export function parseAgentObject(value: unknown): string | null {
  return value === null ? null : checkJsonObjectText(value, 'agentObject', AGENT_OBJECT_MAX_BYTES);
}

/**
 * A run replaces the agent's object. It is data, not a setting: a retired agent's runs may still
 * finish and save it, so only a deleted agent refuses.
 */
export function decideSetAgentObject(state: AgentState | null, agentObject: string | null, ctx: CommandContext): AgentEvent[] {
  const agent = requireExisting(state);
  return [{ type: AgentEventType.AgentObjectSaved, data: { agentId: agent.id, agentObject, savedBy: ctx.by, savedAt: ctx.now } }];
}
