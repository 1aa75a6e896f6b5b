import type { EntityManager } from 'typeorm';
import { TableRows, type Projection, type StoredEventOf } from '@agentry/event-store';
import { AgentEventType, ScriptEventType, type AgentEvent, type ScriptEvent } from '@agentry/contracts';

/** Agents and scripts: what the directory is folded from. */
type DirectoryEvent = AgentEvent | ScriptEvent;

interface DirectoryAgent {
  agent_id: number;
  org_id: number;
  name: string;
  script_id: number | null;
  deleted: boolean;
}
interface DirectoryScript {
  script_id: number;
  org_id: number;
  name: string;
}

const agents = new TableRows<DirectoryAgent>('output_agents', 'agent_id', {
  agent_id: 'integer',
  org_id: 'integer',
  name: 'text',
  script_id: 'integer',
  deleted: 'boolean',
});
const scripts = new TableRows<DirectoryScript>('output_scripts', 'script_id', { script_id: 'integer', org_id: 'integer', name: 'text' });

/**
 * Set-based: agents are folded from their stored rows (created once, renamed, marked deleted: updates need a
 * known row); scripts need no read (each save carries the whole row), only the last save or delete of each
 * counts. One write per table.
 */
async function applyBatch(events: StoredEventOf<DirectoryEvent>[], m: EntityManager): Promise<void> {
  const agentIds = [...new Set(events.flatMap((e) => ('agentId' in e.data ? [e.data.agentId] : [])))];
  const rows = new Map((await agents.select(m, agentIds)).map((row) => [row.agent_id, row]));
  const changedAgents = new Set<number>();
  const savedScripts = new Map<number, DirectoryScript>();
  const deletedScripts = new Set<number>();
  for (const event of events) {
    switch (event.type) {
      case AgentEventType.AgentCreated: {
        const d = event.data;
        if (rows.has(d.agentId)) break;
        rows.set(d.agentId, { agent_id: d.agentId, org_id: d.orgId, name: '', script_id: null, deleted: false });
        changedAgents.add(d.agentId);
        break;
      }
      case AgentEventType.AgentVersionSaved: {
        const d = event.data;
        const row = rows.get(d.agentId);
        if (!row) break;
        rows.set(d.agentId, { ...row, name: d.settings.name, script_id: d.settings.scriptId });
        changedAgents.add(d.agentId);
        break;
      }
      case AgentEventType.AgentDeleted: {
        const d = event.data;
        const row = rows.get(d.agentId);
        if (!row) break;
        rows.set(d.agentId, { ...row, deleted: true });
        changedAgents.add(d.agentId);
        break;
      }
      case ScriptEventType.saved: {
        const d = event.data;
        savedScripts.set(d.scriptId, { script_id: d.scriptId, org_id: d.orgId, name: d.name });
        deletedScripts.delete(d.scriptId);
        break;
      }
      case ScriptEventType.deleted: {
        const d = event.data;
        savedScripts.delete(d.scriptId);
        deletedScripts.add(d.scriptId);
        break;
      }
    }
  }
  await agents.upsert(
    m,
    [...changedAgents].map((id) => rows.get(id)!),
  );
  await scripts.delete(m, [...deletedScripts]);
  await scripts.upsert(m, [...savedScripts.values()]);
}

/**
 * Which agents exist, in which org, under which name and script (`output_agents`, `output_scripts`): enough
 * to scope container queries to an org's live agents and to name them in listings.
 */
export const directoryProjection: Projection<DirectoryEvent> = {
  name: 'output:directory',
  eventTypes: [AgentEventType.AgentCreated, AgentEventType.AgentVersionSaved, AgentEventType.AgentDeleted, ScriptEventType.saved, ScriptEventType.deleted],
  tables: ['output_agents', 'output_scripts'],

  applyBatch,
  batchSize: 5000,
  apply: (event, manager) => applyBatch([event], manager),

  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE output_agents, output_scripts`);
  },
};
