import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ContainerRow, MessageRow } from './container-row.js';

export interface AgentEntry {
  agentId: number;
  orgId: number;
  name: string;
}

export interface ContainerListQuery {
  agentId: number;
  limit: number;
  finalizedOnly: boolean;
  beforeEndedAt?: number;
}

export interface RunningContainerRow {
  id: string;
  agent_id: number;
  agent_name: string | null;
  queued_at: string;
  retry_number: number;
  launch_type: ContainerRow['launch_type'];
  script_name: string | null;
}

const COLUMNS = `id, org_id, agent_id, status, launch_type, launch_number, agent_version_id, retry_number, retry_of_container_id,
  queued_at, started_at, ended_at, final_status, end_type, end_message, exit_code, launch_failed, progress, progress_label, progress_at,
  result_object, output_length, user_custom_metadata, internal_metadata, csv_name, json_name`;

/** Queries on the history read model. Callers pass the actor's org; nothing here crosses orgs. */
@Injectable()
export class ContainersLookup {
  constructor(private readonly dataSource: DataSource) {}

  async container(orgId: number, containerId: number): Promise<ContainerRow | null> {
    const [row] = await this.dataSource.query(`SELECT ${COLUMNS} FROM output_containers WHERE id = $1 AND org_id = $2`, [containerId, orgId]);
    return (row as ContainerRow | undefined) ?? null;
  }

  /** A live (not deleted) agent of the org. */
  async agent(orgId: number, agentId: number): Promise<AgentEntry | null> {
    const [row]: { agent_id: number; org_id: number; name: string }[] = await this.dataSource.query(
      `SELECT agent_id, org_id, name FROM output_agents WHERE agent_id = $1 AND org_id = $2 AND NOT deleted`,
      [agentId, orgId],
    );
    return row ? { agentId: row.agent_id, orgId: row.org_id, name: row.name } : null;
  }

  /** Newest first: unfinished ones (newest id first), then ended ones by end date. Fetches one extra row to tell whether more exist. */
  async list(q: ContainerListQuery): Promise<ContainerRow[]> {
    const conditions = ['agent_id = $1'];
    const values: unknown[] = [q.agentId];
    if (q.finalizedOnly || q.beforeEndedAt !== undefined) conditions.push(`status = 'ended'`);
    if (q.beforeEndedAt !== undefined) {
      values.push(q.beforeEndedAt);
      conditions.push(`ended_at < $${values.length}`);
    }
    values.push(q.limit + 1);
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM output_containers WHERE ${conditions.join(' AND ')}
        ORDER BY ended_at DESC NULLS FIRST, id DESC LIMIT $${values.length}`,
      values,
    );
  }

  async neighbours(agentId: number, containerId: number): Promise<{ newer: number | null; older: number | null }> {
    const [row]: { newer: string | null; older: string | null }[] = await this.dataSource.query(
      `SELECT (SELECT min(id) FROM output_containers WHERE agent_id = $1 AND id > $2) AS newer,
              (SELECT max(id) FROM output_containers WHERE agent_id = $1 AND id < $2) AS older`,
      [agentId, containerId],
    );
    return { newer: row.newer === null ? null : Number(row.newer), older: row.older === null ? null : Number(row.older) };
  }

  async instanceCounts(agentId: number): Promise<{ running: number; queued: number }> {
    const rows: { status: string; n: string }[] = await this.dataSource.query(
      `SELECT status, count(*) AS n FROM output_containers WHERE agent_id = $1 AND status IN ('queued', 'running') GROUP BY status`,
      [agentId],
    );
    const count = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
    return { running: count('running'), queued: count('queued') };
  }

  /** The agent's most recent instance: the newest that started, else the newest still queued. */
  async mostRecent(agentId: number): Promise<ContainerRow | null> {
    const [row] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM output_containers WHERE agent_id = $1 ORDER BY (started_at IS NOT NULL) DESC, id DESC LIMIT 1`,
      [agentId],
    );
    return (row as ContainerRow | undefined) ?? null;
  }

  /** Messages with an id above `afterId`, in order. */
  async messages(containerId: number, afterId = 0): Promise<MessageRow[]> {
    return this.dataSource.query(
      `SELECT message_id, at, text, type, context FROM output_messages WHERE container_id = $1 AND message_id > $2 ORDER BY message_number`,
      [containerId, afterId],
    );
  }

  async running(orgId: number): Promise<RunningContainerRow[]> {
    return this.dataSource.query(
      `SELECT c.id, c.agent_id, a.name AS agent_name, c.queued_at, c.retry_number, c.launch_type, s.name AS script_name
         FROM output_containers c
         LEFT JOIN output_agents a ON a.agent_id = c.agent_id
         LEFT JOIN output_scripts s ON s.script_id = a.script_id AND s.org_id = c.org_id
        WHERE c.org_id = $1 AND c.status = 'running'
        ORDER BY c.id`,
      [orgId],
    );
  }
}
