import type { EntityManager } from 'typeorm';
import { projectionOf, type EventDataWriter } from '@agentry/event-store';
import {
  AgentEventType,
  type AgentCreatedData,
  type AgentLifecycleData,
  type AgentObjectSavedData,
  type AgentVersionSavedData,
} from '@agentry/contracts';

/**
 * Keeps `agents_agents` (current state, deleted agents included) and `agents_versions` (every
 * snapshot) equal to the log. Only event data is used (never the clock), so a rebuild gives
 * identical rows. Secrets are reduced to presence flags: sealed values never reach a read table.
 */
const writers: Record<string, EventDataWriter> = {
  [AgentEventType.AgentCreated]: (d: AgentCreatedData, m) =>
    m.query(
      `INSERT INTO agents_agents (id, org_id, status, name, script_id, stage, tags, settings, has_proxy_password, has_credentials,
         current_version_id, current_version_number, settings_schema_version, agent_object, storage_folder, user_storage_folder,
         created_at, updated_at)
       VALUES ($1, $2, 'active', '', NULL, 'development', '{}', '{}'::jsonb, false, false, '', 0, 0, NULL, $3, $4, $5, $5)
       ON CONFLICT (id) DO NOTHING`,
      [d.agentId, d.orgId, d.storageFolder, d.userStorageFolder, d.createdAt],
    ),

  [AgentEventType.AgentVersionSaved]: async (d: AgentVersionSavedData, m) => {
    const hasProxyPassword = d.secrets.proxyPassword !== null;
    const hasCredentials = d.secrets.credentials !== null;
    await m.query(
      `INSERT INTO agents_versions (version_id, agent_id, version_number, reason, restored_from_version_id, changed_fields, settings,
         has_proxy_password, has_credentials, saved_by_user_id, saved_by_key_id, saved_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12)
       ON CONFLICT (version_id) DO NOTHING`,
      [
        d.versionId,
        d.agentId,
        d.versionNumber,
        d.reason,
        d.restoredFromVersionId ?? null,
        JSON.stringify(d.changedFields),
        JSON.stringify(d.settings),
        hasProxyPassword,
        hasCredentials,
        d.savedBy.userId,
        d.savedBy.keyId,
        d.savedAt,
      ],
    );
    await m.query(
      `UPDATE agents_agents SET name = $2, script_id = $3, stage = $4, tags = $5, settings = $6::jsonb, has_proxy_password = $7,
         has_credentials = $8, current_version_id = $9, current_version_number = $10, settings_schema_version = $11, updated_at = $12
       WHERE id = $1`,
      [
        d.agentId,
        d.settings.name,
        d.settings.scriptId,
        d.settings.stage,
        d.settings.tags,
        JSON.stringify(d.settings),
        hasProxyPassword,
        hasCredentials,
        d.versionId,
        d.versionNumber,
        d.settingsSchemaVersion,
        d.savedAt,
      ],
    );
  },

  [AgentEventType.AgentObjectSaved]: (d: AgentObjectSavedData, m) =>
    m.query(`UPDATE agents_agents SET agent_object = $2 WHERE id = $1`, [d.agentId, d.agentObject]),

  [AgentEventType.AgentRetired]: (d: AgentLifecycleData, m) =>
    m.query(`UPDATE agents_agents SET status = 'retired', retired_at = $2, updated_at = $2 WHERE id = $1`, [d.agentId, d.at]),

  [AgentEventType.AgentReinstated]: (d: AgentLifecycleData, m) =>
    m.query(`UPDATE agents_agents SET status = 'active', retired_at = NULL, updated_at = $2 WHERE id = $1`, [d.agentId, d.at]),

  [AgentEventType.AgentDeleted]: (d: AgentLifecycleData, m) =>
    m.query(`UPDATE agents_agents SET status = 'deleted', deleted_at = $2, updated_at = $2 WHERE id = $1`, [d.agentId, d.at]),
};

export const agentsProjection = projectionOf({
  name: 'registry:agents',
  writers,
  tables: ['agents_agents', 'agents_versions'],
  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE agents_agents, agents_versions`);
  },
});
