import type { EntityManager } from 'typeorm';
import { foldRows, TableRows, type Projection, type StoredEventOf } from '@agentry/event-store';
import { AgentEventType, type AgentEvent, type AgentVersionSavedData } from '@agentry/contracts';

interface AgentRow {
  id: number;
  org_id: number;
  status: string;
  name: string;
  script_id: number | null;
  stage: string;
  tags: number[];
  settings: unknown;
  has_proxy_password: boolean;
  has_credentials: boolean;
  current_version_id: string;
  current_version_number: number;
  settings_schema_version: number;
  agent_object: string | null;
  storage_folder: string;
  user_storage_folder: string;
  created_at: number | string;
  updated_at: number | string;
  retired_at: number | string | null;
  deleted_at: number | string | null;
}

interface VersionRow {
  version_id: string;
  agent_id: number;
  version_number: number;
  reason: string;
  restored_from_version_id: string | null;
  changed_fields: unknown;
  settings: unknown;
  has_proxy_password: boolean;
  has_credentials: boolean;
  saved_by_user_id: number;
  saved_by_key_id: number;
  saved_at: number;
}

const agentRows = new TableRows<AgentRow>('agents_agents', 'id', {
  id: 'integer',
  org_id: 'integer',
  status: 'text',
  name: 'text',
  script_id: 'integer',
  stage: 'text',
  tags: 'integer[]',
  settings: 'jsonb',
  has_proxy_password: 'boolean',
  has_credentials: 'boolean',
  current_version_id: 'text',
  current_version_number: 'integer',
  settings_schema_version: 'integer',
  agent_object: 'text',
  storage_folder: 'text',
  user_storage_folder: 'text',
  created_at: 'bigint',
  updated_at: 'bigint',
  retired_at: 'bigint',
  deleted_at: 'bigint',
});
const versionRows = new TableRows<VersionRow>('agents_versions', 'version_id', {
  version_id: 'text',
  agent_id: 'integer',
  version_number: 'integer',
  reason: 'text',
  restored_from_version_id: 'text',
  changed_fields: 'jsonb',
  settings: 'jsonb',
  has_proxy_password: 'boolean',
  has_credentials: 'boolean',
  saved_by_user_id: 'integer',
  saved_by_key_id: 'integer',
  saved_at: 'bigint',
});

/** One event's effect on the agent's row, as the writers above have it (an update needs a known row). */
function foldAgent(row: AgentRow | undefined, event: StoredEventOf<AgentEvent>): AgentRow | undefined {
  switch (event.type) {
    case AgentEventType.AgentCreated: {
      const d = event.data;
      return (
        row ?? {
          id: d.agentId,
          org_id: d.orgId,
          status: 'active',
          name: '',
          script_id: null,
          stage: 'development',
          tags: [],
          settings: {},
          has_proxy_password: false,
          has_credentials: false,
          current_version_id: '',
          current_version_number: 0,
          settings_schema_version: 0,
          agent_object: null,
          storage_folder: d.storageFolder,
          user_storage_folder: d.userStorageFolder,
          created_at: d.createdAt,
          updated_at: d.createdAt,
          retired_at: null,
          deleted_at: null,
        }
      );
    }
    case AgentEventType.AgentVersionSaved: {
      const d = event.data;
      return (
        row && {
          ...row,
          name: d.settings.name,
          script_id: d.settings.scriptId,
          stage: d.settings.stage,
          tags: d.settings.tags,
          settings: d.settings,
          has_proxy_password: d.secrets.proxyPassword !== null,
          has_credentials: d.secrets.credentials !== null,
          current_version_id: d.versionId,
          current_version_number: d.versionNumber,
          settings_schema_version: d.settingsSchemaVersion,
          updated_at: d.savedAt,
        }
      );
    }
    case AgentEventType.AgentObjectSaved:
      return row && { ...row, agent_object: event.data.agentObject };
    case AgentEventType.AgentRetired: {
      const d = event.data;
      return row && { ...row, status: 'retired', retired_at: d.at, updated_at: d.at };
    }
    case AgentEventType.AgentReinstated: {
      const d = event.data;
      return row && { ...row, status: 'active', retired_at: null, updated_at: d.at };
    }
    case AgentEventType.AgentDeleted: {
      const d = event.data;
      return row && { ...row, status: 'deleted', deleted_at: d.at, updated_at: d.at };
    }
    default:
      return row;
  }
}

const versionOf = (d: AgentVersionSavedData): VersionRow => ({
  version_id: d.versionId,
  agent_id: d.agentId,
  version_number: d.versionNumber,
  reason: d.reason,
  restored_from_version_id: d.restoredFromVersionId ?? null,
  changed_fields: d.changedFields,
  settings: d.settings,
  has_proxy_password: d.secrets.proxyPassword !== null,
  has_credentials: d.secrets.credentials !== null,
  saved_by_user_id: d.savedBy.userId,
  saved_by_key_id: d.savedBy.keyId,
  saved_at: d.savedAt,
});

/** Set-based: one SELECT of the batch's agents, the fold, one upsert of the changed agents, one insert of the new versions. */
async function applyBatch(events: StoredEventOf<AgentEvent>[], m: EntityManager): Promise<void> {
  const ids = [...new Set(events.map((e) => e.data.agentId))];
  const rows = new Map((await agentRows.select(m, ids)).map((row) => [row.id, row]));
  const versions = new Map<string, VersionRow>();
  for (const event of events) {
    if (event.type === AgentEventType.AgentVersionSaved) {
      const d = event.data;
      if (!versions.has(d.versionId)) versions.set(d.versionId, versionOf(d)); // a stored one stays (ON CONFLICT DO NOTHING)
    }
  }
  const changed = foldRows(rows, events, (event) => event.data.agentId, foldAgent);
  await versionRows.insertMissing(m, [...versions.values()]);
  await agentRows.upsert(m, [...changed.values()]);
}

/**
 * Keeps `agents_agents` (current state, deleted agents included) and `agents_versions` (every
 * snapshot) equal to the log. Only event data is used (never the clock), so a rebuild gives
 * identical rows. Secrets are reduced to presence flags: sealed values never reach a read table.
 * Set-based (applyBatch); a single event is a batch of one, so live and rebuilt rows come from one fold.
 */
export const agentsProjection: Projection<AgentEvent> = {
  name: 'registry:agents',
  eventTypes: [
    AgentEventType.AgentCreated,
    AgentEventType.AgentVersionSaved,
    AgentEventType.AgentObjectSaved,
    AgentEventType.AgentRetired,
    AgentEventType.AgentReinstated,
    AgentEventType.AgentDeleted,
  ],
  tables: ['agents_agents', 'agents_versions'],
  applyBatch,
  batchSize: 5000,
  apply: (event, m) => applyBatch([event], m),
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE agents_agents, agents_versions`);
  },
};
