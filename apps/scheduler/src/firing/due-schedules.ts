import type { DataSource } from 'typeorm';
import type { ActorRef, ContainerLaunchType } from '@agentry/contracts';
import type { ScheduleSpec } from '@agentry/schedules';
import type { MissedRunPolicy } from '@agentry/contracts';
import type { DueSchedule } from './fire-decision.js';

export interface DueRow extends DueSchedule {
  orgId: number;
  launchType: ContainerLaunchType;
  launchedBy: ActorRef | null;
  /** Version of `schedule-<agentId>` the decision was made on: the append's expected version (the fence). */
  scheduleVersion: number;
}

interface RawRow {
  agent_id: number;
  org_id: number;
  spec: ScheduleSpec;
  next_fire_at: string;
  missed_policy: MissedRunPolicy;
  launch_type: ContainerLaunchType;
  launched_by: ActorRef | null;
  schedule_version: number;
}

/** Where a page of due schedules ends: the next page starts after it. */
export interface DueCursor {
  nextFireAt: number;
  agentId: number;
}

/**
 * A page of schedules whose next planned fire is at or before `until`, earliest first, after `cursor`.
 * Paged because some due rows may not fire yet (their jitter puts them later) and must not hide the rest.
 */
export async function findDue(dataSource: DataSource, until: number, limit: number, cursor: DueCursor | null = null): Promise<DueRow[]> {
  const rows: RawRow[] = await dataSource.query(
    `SELECT agent_id, org_id, spec, next_fire_at::text, missed_policy, launch_type, launched_by, schedule_version
       FROM scheduler_agents
      WHERE next_fire_at <= $1 AND (next_fire_at, agent_id) > ($3, $4)
      ORDER BY next_fire_at, agent_id LIMIT $2`,
    [until, limit, cursor?.nextFireAt ?? -1, cursor?.agentId ?? 0],
  );
  return rows.map((r) => ({
    agentId: r.agent_id,
    orgId: r.org_id,
    spec: r.spec,
    nextFireAt: Number(r.next_fire_at),
    missedPolicy: r.missed_policy,
    launchType: r.launch_type,
    launchedBy: r.launched_by,
    scheduleVersion: r.schedule_version,
  }));
}
