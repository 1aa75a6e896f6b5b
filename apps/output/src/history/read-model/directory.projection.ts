import type { EntityManager } from 'typeorm';
import type { Projection, StoredEvent } from '@agentry/event-store';
import {
  AgentEventType,
  ScriptEventType,
  type AgentCreatedData,
  type AgentDeletedData,
  type AgentVersionSavedData,
  type ScriptDeletedData,
  type ScriptSavedData,
} from '@agentry/contracts';

/**
 * Which agents exist, in which org, under which name and script (`output_agents`, `output_scripts`): enough
 * to scope container queries to an org's live agents and to name them in listings.
 */
export const directoryProjection: Projection = {
  name: 'output:directory',
  eventTypes: [
    AgentEventType.AgentCreated,
    AgentEventType.AgentVersionSaved,
    AgentEventType.AgentDeleted,
    ScriptEventType.saved,
    ScriptEventType.deleted,
  ],
  tables: ['output_agents', 'output_scripts'],

  async apply(event: StoredEvent, manager: EntityManager): Promise<void> {
    switch (event.type) {
      case AgentEventType.AgentCreated: {
        const d = event.data as AgentCreatedData;
        await manager.query(
          `INSERT INTO output_agents (agent_id, org_id, name, script_id, deleted) VALUES ($1, $2, '', NULL, false)
           ON CONFLICT (agent_id) DO NOTHING`,
          [d.agentId, d.orgId],
        );
        return;
      }
      case AgentEventType.AgentVersionSaved: {
        const d = event.data as AgentVersionSavedData;
        await manager.query(`UPDATE output_agents SET name = $2, script_id = $3 WHERE agent_id = $1`, [
          d.agentId,
          d.settings.name,
          d.settings.scriptId,
        ]);
        return;
      }
      case AgentEventType.AgentDeleted:
        await manager.query(`UPDATE output_agents SET deleted = true WHERE agent_id = $1`, [(event.data as AgentDeletedData).agentId]);
        return;
      case ScriptEventType.saved: {
        const d = event.data as ScriptSavedData;
        await manager.query(
          `INSERT INTO output_scripts (script_id, org_id, name) VALUES ($1, $2, $3)
           ON CONFLICT (script_id) DO UPDATE SET org_id = EXCLUDED.org_id, name = EXCLUDED.name`,
          [d.scriptId, d.orgId, d.name],
        );
        return;
      }
      case ScriptEventType.deleted:
        await manager.query(`DELETE FROM output_scripts WHERE script_id = $1`, [(event.data as ScriptDeletedData).scriptId]);
        return;
    }
  },

  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE output_agents, output_scripts`);
  },
};
