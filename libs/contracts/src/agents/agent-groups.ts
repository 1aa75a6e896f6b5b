/**
 * v2 `orgs/save-agent-groups` / `orgs/fetch-agent-groups`: how the org's dashboard orders its
 * agents. Each entry is an agent id on its own, or a named group of agent ids. Kept on the
 * `agent_groups-<orgId>` stream, one `AgentGroupsSaved` event per save (the whole layout).
 */
export type AgentGroupEntry = string | { id: string; name: string; agents: string[] };

export const AGENT_GROUPS_STREAM_TYPE = 'agent_groups';
export const agentGroupsStreamId = (orgId: number): string => `${AGENT_GROUPS_STREAM_TYPE}-${orgId}`;
export const AgentGroupsEventType = { saved: 'AgentGroupsSaved' } as const;

/** Bounds that keep one save well inside an event's size limit. */
export const AGENT_GROUPS_MAX_ENTRIES = 1000;
export const AGENT_GROUP_NAME_MAX = 100;
export const AGENT_GROUP_ID_MAX = 100;

export interface AgentGroupsSavedData {
  orgId: number;
  agentGroups: AgentGroupEntry[];
  savedAt: number;
}

export interface SaveAgentGroupsParams {
  agentGroups: unknown;
}

export interface AgentGroupsResult {
  agentGroups: AgentGroupEntry[];
}
