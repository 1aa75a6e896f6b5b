import { AgentEventType, type AgentEvent, type AgentSecretsSnapshot, type AgentSettings, type AgentStatus } from '@agentry/contracts';

export interface AgentVersionSnapshot {
  versionId: string;
  versionNumber: number;
  settings: AgentSettings;
  secrets: AgentSecretsSnapshot;
}

/** The agent aggregate, folded from its `agent-<id>` stream. */
export interface AgentState {
  id: number;
  orgId: number;
  status: AgentStatus;
  createdAt: number;
  updatedAt: number;
  current: AgentVersionSnapshot | null;
  /** Every version, oldest first (rollback picks one). */
  versions: AgentVersionSnapshot[];
}

function evolve(state: AgentState | null, event: AgentEvent): AgentState | null {
  switch (event.type) {
    case AgentEventType.AgentCreated: {
      const d = event.data;
      return { id: d.agentId, orgId: d.orgId, status: 'active', createdAt: d.createdAt, updatedAt: d.createdAt, current: null, versions: [] };
    }
    case AgentEventType.AgentVersionSaved: {
      if (!state) return state;
      const d = event.data;
      const version: AgentVersionSnapshot = { versionId: d.versionId, versionNumber: d.versionNumber, settings: d.settings, secrets: d.secrets };
      return { ...state, current: version, versions: [...state.versions, version], updatedAt: d.savedAt };
    }
    case AgentEventType.AgentRetired:
      return state && { ...state, status: 'retired', updatedAt: event.data.at };
    case AgentEventType.AgentReinstated:
      return state && { ...state, status: 'active', updatedAt: event.data.at };
    case AgentEventType.AgentDeleted:
      return state && { ...state, status: 'deleted', updatedAt: event.data.at };
    default:
      return state;
  }
}

export const fold = (events: readonly AgentEvent[]): AgentState | null => events.reduce<AgentState | null>(evolve, null);
