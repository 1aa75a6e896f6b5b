import type { AgentVersionReason, ActorRef } from './events.js';
import type { AgentSecretsPresence, AgentSettings } from './settings.js';

/** `retired`: kept but can't be updated or launched until reinstated. `deleted`: only in fetch-deleted. */
export const AGENT_STATUSES = ['active', 'retired', 'deleted'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** The `POST /api/v1/agent` API `available_actions`, computed from status and instance counts. */
export interface AgentAvailableActions {
  delete: boolean;
  reinstate: boolean;
  retire: boolean;
  update: boolean;
}

/** The `POST /api/v1/agent` API `instance_counts`: `finished` = complete + failed + cancelled. */
export interface AgentInstanceCounts {
  active: number;
  pending: number;
  complete: number;
  failed: number;
  cancelled: number;
  finished: number;
  total: number;
}

/** The neutral agent record answered by the registry; the gateway renders v1 / v2 / the `POST /api/v1/agent` API from it. */
export interface AgentView {
  id: number;
  orgId: number;
  status: AgentStatus;
  settings: AgentSettings;
  /** Name of the script `settings.scriptId` points to (null when none or the script is gone). */
  scriptName: string | null;
  secrets: AgentSecretsPresence;
  availableActions: AgentAvailableActions;
  instanceCounts: AgentInstanceCounts;
  currentVersionId: string;
  currentVersionNumber: number;
  settingsSchemaVersion: number;
  /** Unix ms. */
  createdAt: number;
  updatedAt: number;
  retiredAt: number | null;
  deletedAt: number | null;
  nbLaunches: number;
  lastEndMessage: string | null;
  /** v1 `lastEndStatus`: success / error / cancelled; null before the first run ends. */
  lastEndStatus: string | null;
  lastEndType: string | null;
  /** v1 `awsFolder` / `userAwsFolder`. */
  storageFolder: string;
  userStorageFolder: string;
  /** Only when asked for (`withAgentObject`): the agent's persistent object as a JSON text. */
  agentObject?: string | null;
}

export interface AgentVersionView {
  agentId: number;
  versionId: string;
  versionNumber: number;
  reason: AgentVersionReason;
  restoredFromVersionId: string | null;
  changedFields: string[];
  settings: AgentSettings;
  secrets: AgentSecretsPresence;
  savedBy: ActorRef;
  /** Unix ms. */
  savedAt: number;
  current: boolean;
}
