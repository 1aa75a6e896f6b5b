import type { AgentStage } from './settings.js';
import type { AgentStatus, AgentVersionView, AgentView } from './views.js';

/**
 * `registry.agents.save`: the client's fields as received, validated by the registry.
 * `encoding: 'text'` says values came from a query string or form body (all strings), so
 * numbers and booleans written as text are accepted; `json` (default) is type-strict.
 */
export interface SaveAgentParams {
  fields: Record<string, unknown>;
  encoding?: 'json' | 'text';
  /** With `encoding: 'json'`: the fields that still came as text (e.g. from the query string). */
  textFields?: string[];
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
