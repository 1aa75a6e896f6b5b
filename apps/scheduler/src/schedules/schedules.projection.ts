import type { EntityManager } from 'typeorm';
import type { Projection, StoredEvent } from '@agentry/event-store';
import { AgentEventType, LaunchType, type AgentCreatedData, type AgentLifecycleData, type AgentVersionSavedData } from '@agentry/contracts';
import { launchTypeOf, missedPolicyOf, nextPlannedFire, scheduleSpecOf, type ScheduleSpec } from './agent-schedule.js';
import { ScheduleEventType, type ScheduleFiredData } from './schedule-events.js';

interface PlanRow {
  status: string;
  spec: ScheduleSpec | null;
  resume_after: string;
}

const RETURNING_PLAN = 'RETURNING status, spec, resume_after::text';

/**
 * Runs an UPDATE of one agent's row that returns its plan inputs, then recomputes next_fire_at
 * from them (event data only, so a rebuild is identical): two round trips per event.
 */
async function updateAndReplan(m: EntityManager, agentId: number, update: string, params: unknown[]): Promise<void> {
  const [rows]: [PlanRow[], number] = await m.query(`${update} ${RETURNING_PLAN}`, params);
  const row = rows[0];
  if (!row) return;
  const next = nextPlannedFire(row.spec, row.status === 'active', Number(row.resume_after));
  await m.query(`UPDATE scheduler_agents SET next_fire_at = $2 WHERE agent_id = $1`, [agentId, next]);
}

const onVersionSaved = async (d: AgentVersionSavedData, m: EntityManager) => {
  const s = d.settings;
  // The version's save time anchors rate schedules and is where its first fire is searched from.
  const spec = scheduleSpecOf(s, d.savedAt);
  const afterAgent = s.launchType === LaunchType.afterAgent ? s.launchAfterAgentId : null;
  await updateAndReplan(
    m,
    d.agentId,
    `UPDATE scheduler_agents SET version_id = $2, launched_by = $3, spec = $4, launch_type = $5, missed_policy = $6,
       resume_after = GREATEST(resume_after, $7), expire_at = $8, after_agent_id = $9, exit_codes = $10, delay_seconds = $11
     WHERE agent_id = $1`,
    [
      d.agentId,
      d.versionId,
      JSON.stringify(d.savedBy),
      spec === null ? null : JSON.stringify(spec),
      spec === null ? null : launchTypeOf(spec),
      missedPolicyOf(s),
      d.savedAt,
      s.expireAt,
      afterAgent,
      afterAgent === null || s.masterAgentLaunchOnExitCodes === null ? null : JSON.stringify(s.masterAgentLaunchOnExitCodes),
      afterAgent === null ? null : s.masterAgentLaunchAfter,
    ],
  );
};

const onLifecycle = (status: 'active' | 'retired') => async (d: AgentLifecycleData, m: EntityManager) => {
  // Reinstating never brings back fires planned while retired.
  await updateAndReplan(m, d.agentId, `UPDATE scheduler_agents SET status = $2, resume_after = GREATEST(resume_after, $3) WHERE agent_id = $1`, [
    d.agentId,
    status,
    d.at,
  ]);
};

const onFired = async (e: StoredEvent, m: EntityManager) => {
  const d = e.data as ScheduleFiredData;
  await updateAndReplan(
    m,
    d.agentId,
    `UPDATE scheduler_agents SET schedule_version = $2, last_planned_at = $3, resume_after = GREATEST(resume_after, $4) WHERE agent_id = $1`,
    [d.agentId, e.streamPosition, d.plannedAt, d.resumeAfter],
  );
};

/**
 * `scheduler_agents`: per agent its schedule (from the latest version), status and next planned fire.
 * Agent events set the plan; the scheduler's own `ScheduleFired` events move it past settled fires.
 */
export const schedulesProjection: Projection = {
  name: 'scheduler:agents',
  eventTypes: [
    AgentEventType.AgentCreated,
    AgentEventType.AgentVersionSaved,
    AgentEventType.AgentRetired,
    AgentEventType.AgentReinstated,
    AgentEventType.AgentDeleted,
    ScheduleEventType.ScheduleFired,
  ],

  async apply(event: StoredEvent, m: EntityManager): Promise<void> {
    switch (event.type) {
      case AgentEventType.AgentCreated: {
        const d = event.data as AgentCreatedData;
        await m.query(`INSERT INTO scheduler_agents (agent_id, org_id, status) VALUES ($1, $2, 'active') ON CONFLICT (agent_id) DO NOTHING`, [
          d.agentId,
          d.orgId,
        ]);
        return;
      }
      case AgentEventType.AgentVersionSaved:
        return onVersionSaved(event.data as AgentVersionSavedData, m);
      case AgentEventType.AgentRetired:
        return onLifecycle('retired')(event.data as AgentLifecycleData, m);
      case AgentEventType.AgentReinstated:
        return onLifecycle('active')(event.data as AgentLifecycleData, m);
      case AgentEventType.AgentDeleted:
        await m.query(`DELETE FROM scheduler_agents WHERE agent_id = $1`, [(event.data as AgentLifecycleData).agentId]);
        return;
      case ScheduleEventType.ScheduleFired:
        return onFired(event, m);
    }
  },

  async reset(m: EntityManager): Promise<void> {
    await m.query(`TRUNCATE scheduler_agents`);
  },
};
