import {
  AgentEventType,
  DomainError,
  ErrorCode,
  notFound,
  type ActorRef,
  type AgentEvent,
  type AgentInstanceCounts,
  type AgentSecretsSnapshot,
  type AgentSettings,
  type AgentVersionReason,
} from '@agentry/contracts';
import type { AgentState, AgentVersionSnapshot } from './agent.js';
import { availableActions } from './available-actions.js';
import { assertConsistent, applyPatch, changedFields, SETTINGS_SCHEMA_VERSION } from './settings.js';

/** Who acts and when: decisions never read the clock themselves. */
export interface CommandContext {
  by: ActorRef;
  now: number;
}

export interface CreateAgentCommand {
  agentId: number;
  orgId: number;
  settings: AgentSettings;
  /** Already sealed. */
  secrets: AgentSecretsSnapshot;
  versionId: string;
  storageFolder: string;
  userStorageFolder: string;
  idempotencyKey: string | null;
  agentObject?: string | null;
}

export interface UpdateAgentCommand {
  patch: Partial<AgentSettings>;
  /** Already sealed; absent keys keep the current secret, null clears it. */
  secrets: Partial<AgentSecretsSnapshot>;
  versionId: string;
  agentObject?: string | null;
}

export function decideCreate(cmd: CreateAgentCommand, ctx: CommandContext): AgentEvent[] {
  assertConsistent(cmd.settings);
  const events: AgentEvent[] = [
    {
      type: AgentEventType.AgentCreated,
      data: {
        agentId: cmd.agentId,
        orgId: cmd.orgId,
        storageFolder: cmd.storageFolder,
        userStorageFolder: cmd.userStorageFolder,
        createdBy: ctx.by,
        createdAt: ctx.now,
        idempotencyKey: cmd.idempotencyKey,
      },
    },
    versionSaved(cmd.agentId, null, { versionId: cmd.versionId, settings: cmd.settings, secrets: cmd.secrets }, 'create', ctx),
  ];
  if (cmd.agentObject !== undefined) events.push(agentObjectSaved(cmd.agentId, cmd.agentObject, ctx));
  return events;
}

/** Partial update; an unchanged save still records a version (who saved, when). */
export function decideUpdate(state: AgentState | null, cmd: UpdateAgentCommand, ctx: CommandContext): AgentEvent[] {
  const agent = requireUpdatable(state);
  const settings = applyPatch(agent.current.settings, cmd.patch);
  assertConsistent(settings);
  const secrets = { ...agent.current.secrets, ...definedOnly(cmd.secrets) };
  const events: AgentEvent[] = [versionSaved(agent.id, agent.current, { versionId: cmd.versionId, settings, secrets }, 'update', ctx)];
  if (cmd.agentObject !== undefined) events.push(agentObjectSaved(agent.id, cmd.agentObject, ctx));
  return events;
}

/** Makes an old version current again by appending a new version with its snapshot. */
export function decideRollback(state: AgentState | null, cmd: { toVersionId: string; versionId: string }, ctx: CommandContext): AgentEvent[] {
  const agent = requireUpdatable(state);
  const target = agent.versions.find((v) => v.versionId === cmd.toVersionId);
  if (!target) throw notFound(`Version ${cmd.toVersionId} of agent ${agent.id}`);
  const restored = { versionId: cmd.versionId, settings: target.settings, secrets: target.secrets };
  return [versionSaved(agent.id, agent.current, restored, 'rollback', ctx, target.versionId)];
}

export function decideRetire(state: AgentState | null, counts: AgentInstanceCounts, ctx: CommandContext): AgentEvent[] {
  const agent = requireExisting(state);
  if (!availableActions(agent.status, counts).retire) {
    throw new DomainError(ErrorCode.INVALID_STATE, `Agent ${agent.id} is already retired`);
  }
  return [{ type: AgentEventType.AgentRetired, data: lifecycle(agent, ctx) }];
}

export function decideReinstate(state: AgentState | null, counts: AgentInstanceCounts, ctx: CommandContext): AgentEvent[] {
  const agent = requireExisting(state);
  if (!availableActions(agent.status, counts).reinstate) {
    throw new DomainError(ErrorCode.INVALID_STATE, `Agent ${agent.id} is not retired, so it can't be reinstated`);
  }
  return [{ type: AgentEventType.AgentReinstated, data: lifecycle(agent, ctx) }];
}

export function decideDelete(state: AgentState | null, counts: AgentInstanceCounts, ctx: CommandContext): AgentEvent[] {
  const agent = requireExisting(state);
  if (!availableActions(agent.status, counts).delete) {
    throw new DomainError(ErrorCode.FORBIDDEN, `Agent ${agent.id} has running or queued instances: stop it before deleting it`);
  }
  return [{ type: AgentEventType.AgentDeleted, data: lifecycle(agent, ctx) }];
}

type LiveAgent = AgentState & { current: AgentVersionSnapshot };

/** A deleted agent no longer exists for its owner either. */
export function requireExisting(state: AgentState | null): LiveAgent {
  if (!state || state.status === 'deleted' || !state.current) throw notFound('Agent');
  return state as LiveAgent;
}

function requireUpdatable(state: AgentState | null): LiveAgent {
  const agent = requireExisting(state);
  if (agent.status === 'retired') {
    throw new DomainError(ErrorCode.INVALID_STATE, `Agent ${agent.id} is retired and can't be updated; reinstate it first (POST /api/v2/agents/reinstate)`);
  }
  return agent;
}

function versionSaved(
  agentId: number,
  previous: AgentVersionSnapshot | null,
  next: { versionId: string; settings: AgentSettings; secrets: AgentSecretsSnapshot },
  reason: AgentVersionReason,
  ctx: CommandContext,
  restoredFromVersionId?: string,
): AgentEvent {
  return {
    type: AgentEventType.AgentVersionSaved,
    data: {
      agentId,
      versionId: next.versionId,
      versionNumber: (previous?.versionNumber ?? 0) + 1,
      settingsSchemaVersion: SETTINGS_SCHEMA_VERSION,
      settings: next.settings,
      secrets: next.secrets,
      savedBy: ctx.by,
      savedAt: ctx.now,
      reason,
      ...(restoredFromVersionId ? { restoredFromVersionId } : {}),
      changedFields: [...changedFields(previous?.settings ?? null, next.settings), ...changedSecrets(previous?.secrets ?? null, next.secrets)],
    },
  };
}

/** Sealed secrets differ on every seal (random IV), so "changed" means "sealed anew". */
function changedSecrets(before: AgentSecretsSnapshot | null, after: AgentSecretsSnapshot): string[] {
  if (!before) return [];
  return (Object.keys(after) as (keyof AgentSecretsSnapshot)[]).filter((k) => before[k] !== after[k]);
}

function agentObjectSaved(agentId: number, agentObject: string | null, ctx: CommandContext): AgentEvent {
  return { type: AgentEventType.AgentObjectSaved, data: { agentId, agentObject, savedBy: ctx.by, savedAt: ctx.now } };
}

function lifecycle(agent: AgentState, ctx: CommandContext) {
  return { agentId: agent.id, by: ctx.by, at: ctx.now };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
