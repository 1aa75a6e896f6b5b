import { AgentEventType, validationFailed, type AgentEvent } from '@agentry/contracts';
import type { AgentState } from './agent.js';
import type { CommandContext } from './decide.js';
import { requireExisting } from './decide.js';

/** A script's agent object stays small: it travels in every request and lives in the read model. */
export const AGENT_OBJECT_MAX_BYTES = 256 * 1024;

/** Validates a run's `setAgentObject`: JSON object text (or null to clear), within the size limit. */
export function parseAgentObject(value: unknown): string | null {
  if (value === null) return null;
  const fail = (message: string) => validationFailed([{ field: 'agentObject', message }]);
  if (typeof value !== 'string') throw fail('must be the JSON text of an object, or null');
  if (Buffer.byteLength(value, 'utf8') > AGENT_OBJECT_MAX_BYTES) throw fail(`must be at most ${AGENT_OBJECT_MAX_BYTES} bytes of JSON`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw fail('is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw fail('must be a JSON object');
  return value;
}

/**
 * A run replaces the agent's object. It is data, not a setting: a retired agent's runs may still
 * finish and save it, so only a deleted agent refuses.
 */
export function decideSetAgentObject(state: AgentState | null, agentObject: string | null, ctx: CommandContext): AgentEvent[] {
  const agent = requireExisting(state);
  return [{ type: AgentEventType.AgentObjectSaved, data: { agentId: agent.id, agentObject, savedBy: ctx.by, savedAt: ctx.now } }];
}
