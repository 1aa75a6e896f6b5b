import { DomainError, ErrorCode, Subjects, type Actor, type AgentView, type ScriptDto } from '@agentry/contracts';
import type { RegistryClient } from '../http/registry.client.js';

/** The agent's script with its text (`withCode`, `withScript`), or null when it has none any more. */
export async function scriptOf(registry: RegistryClient, actor: Actor, agent: AgentView): Promise<ScriptDto | null> {
  const id = agent.settings.scriptId;
  if (id === null) return null;
  try {
    return await registry.call(Subjects.scripts.fetchById, actor, { id, withoutText: false });
  } catch (error) {
    if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND) return null;
    throw error;
  }
}
