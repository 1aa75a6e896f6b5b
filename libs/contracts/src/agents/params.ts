import type { AgentStage } from './settings.js';
import type { AgentStatus, AgentVersionView, AgentView } from './views.js';

/**
 * `registry.agents.save`: the client's fields as JSON values (the gateway decodes query-string and form
 * text before sending), validated by the registry, which is type-strict.
 */
export interface SaveAgentParams {
  fields: Record<string, unknown>;
}
export interface SaveAgentResult {
  id: number;
  created: boolean;
  versionId: string;
  agent: AgentView;
}

export interface AgentIdParams {
  id: number;
}
export interface FetchAgentParams extends AgentIdParams {
  withAgentObject?: boolean;
}

export interface FetchAllAgentsParams {
  agentIds?: number[];
  /** Agents whose `userCustomMetadata[key]` equals `value` (compared as text). */
  userCustomMetadata?: { key: string; value?: string };
  tag?: number;
  status?: Exclude<AgentStatus, 'deleted'>;
  stage?: AgentStage;
  withAgentObject?: boolean;
}
export interface AgentListResult {
  agents: AgentView[];
}

export type DeleteAgentParams = AgentIdParams;
export type RetireAgentParams = AgentIdParams;
export type ReinstateAgentParams = AgentIdParams;
/** Retire / reinstate answer the agent as it is after the change. */
export type AgentLifecycleResult = AgentView;
export interface DeleteAgentResult {
  id: number;
  deletedAt: number;
}

export type AgentVersionsParams = AgentIdParams;
export interface AgentVersionsResult {
  agentId: number;
  currentVersionId: string;
  versions: AgentVersionView[];
}

export interface RollbackAgentParams extends AgentIdParams {
  versionId: string;
}
export type RollbackAgentResult = SaveAgentResult;
