import {
  AgentEventType,
  type AgentCreatedData,
  type AgentSecretsSnapshot,
  type AgentSettings,
  type AgentStatus,
  type AgentVersionSavedData,
  type AgentLifecycleData,
} from '@agentry/contracts';

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

export interface EventLike {
  type: string;
  data: unknown;
}

function evolve(state: AgentState | null, event: EventLike): AgentState | null {
  switch (event.type) {
    case AgentEventType.AgentCreated: {
      const d = event.data as AgentCreatedData;
      return { id: d.agentId, orgId: d.orgId, status: 'active', createdAt: d.createdAt, updatedAt: d.createdAt, current: null, versions: [] };
    }
    case AgentEventType.AgentVersionSaved: {
      if (!state) return state;
      const d = event.data as AgentVersionSavedData;
      const version: AgentVersionSnapshot = { versionId: d.versionId, versionNumber: d.versionNumber, settings: d.settings, secrets: d.secrets };
      return { ...state, current: version, versions: [...state.versions, version], updatedAt: d.savedAt };
    }
    case AgentEventType.AgentRetired:
      return state && { ...state, status: 'retired', updatedAt: (event.data as AgentLifecycleData).at };
    case AgentEventType.AgentReinstated:
      return state && { ...state, status: 'active', updatedAt: (event.data as AgentLifecycleData).at };
    case AgentEventType.AgentDeleted:
      return state && { ...state, status: 'deleted', updatedAt: (event.data as AgentLifecycleData).at };
    default:
      return state;
  }
}

export const fold = (events: EventLike[]): AgentState | null => events.reduce<AgentState | null>(evolve, null);
