import { defaultAgentSettings } from '@agentry/contracts';
import { useProjectionTestBed } from '@agentry/testing';
import type { LogPosition } from '@agentry/event-store';
import { schedulerDataSource } from '../scheduler-app.js';
import { scheduleStreamId } from './schedule-events.js';
import { schedulesProjection } from './schedules.projection.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const BY = { userId: 1, keyId: 1 };

const bed = useProjectionTestBed(schedulerDataSource);

/** Every agent setting unset except what the case needs. */
const settings = (patch: Record<string, unknown>) => ({ ...defaultAgentSettings('a'), stage: 'production', ...patch });
const rate = (rateMinutes: number) => ({ launchType: 'repeatedly', schedule: { kind: 'rate', mode: 'SCHEDULED', rateMinutes } });

let versions = 0;
const agent = (agentId: number) => ({
  created: (orgId = 1) =>
    bed.store.append(
      `agent-${agentId}`,
      'agent',
      [{ type: 'AgentCreated', data: { agentId, orgId, storageFolder: 's', userStorageFolder: 'u', createdBy: BY, createdAt: T0, idempotencyKey: null } }],
      { expectedVersion: 'any' },
    ),
  saved: (savedAt: number, patch: Record<string, unknown>) =>
    bed.store.append(
      `agent-${agentId}`,
      'agent',
      [
        {
          type: 'AgentVersionSaved',
          data: {
            agentId,
            versionId: `v-${agentId}-${++versions}`,
            versionNumber: versions,
            settingsSchemaVersion: 1,
            settings: settings(patch),
            secrets: { proxyPassword: null, credentials: null },
            savedBy: BY,
            savedAt,
            reason: 'update',
            changedFields: [],
          },
        },
      ],
      { expectedVersion: 'any' },
    ),
  lifecycle: (type: 'AgentRetired' | 'AgentReinstated' | 'AgentDeleted', at: number) =>
    bed.store.append(`agent-${agentId}`, 'agent', [{ type, data: { agentId, at, by: BY } }], { expectedVersion: 'any' }),
  fired: (plannedAt: number, resumeAfter: number) =>
    bed.store.append(
      scheduleStreamId(agentId),
      'schedule',
      [{ type: 'ScheduleFired', data: { agentId, plannedAt, resumeAfter, containerId: null, outcome: 'skipped', firedAt: resumeAfter } }],
      { expectedVersion: 'any' },
    ),
});

const rows = () => bed.dataSource.query(`SELECT * FROM scheduler_agents ORDER BY agent_id`);

/** Agents 1–9 through every kind of event, several times per agent, in interleaved order. */
async function appendStory(): Promise<LogPosition> {
  await agent(1).created();
  await agent(2).created(2);
  await agent(1).saved(T0, rate(10));
  await agent(3).created();
  await agent(2).saved(T0 + 1000, { launchType: 'once', schedule: { kind: 'once', mode: 'ONCE', at: '2026-03-02T10:00' } });
  await agent(1).fired(T0 + 10 * MINUTE, T0 + 10 * MINUTE);
  await agent(1).fired(T0 + 20 * MINUTE, T0 + 35 * MINUTE); // skipped past missed fires
  await agent(3).saved(T0, { launchType: 'after agent', launchAfterAgentId: 1, masterAgentLaunchOnExitCodes: [0, 2], masterAgentLaunchAfter: 30 });
  await agent(4).created();
  await agent(4).saved(T0, rate(5));
  await agent(4).lifecycle('AgentRetired', T0 + 60 * MINUTE);
  await agent(5).created();
  await agent(5).saved(T0, rate(5));
  await agent(5).lifecycle('AgentRetired', T0 + 2 * MINUTE);
  await agent(5).lifecycle('AgentReinstated', T0 + 30 * MINUTE); // no fires planned while retired come back
  await agent(6).created();
  await agent(6).saved(T0, rate(1));
  await agent(6).lifecycle('AgentDeleted', T0 + MINUTE);
  await agent(6).fired(T0 + 2 * MINUTE, T0 + 2 * MINUTE); // after deletion: nothing to update
  await agent(7).saved(T0, rate(1)); // never created: no row
  await agent(8).created();
  await agent(8).created(9); // a second creation never overwrites
  await agent(8).saved(T0 + 5000, rate(60));
  await agent(1).saved(T0 + 40 * MINUTE, { launchType: 'manually' }); // schedule dropped: no next fire
  await agent(1).saved(T0 + 41 * MINUTE, rate(10)); // back on, anchored at this save
  await agent(9).created();
  return (await agent(9).saved(T0 - MINUTE, rate(3))).position; // saved "before" creation: resume point stays the latest
}

test('the set-based fold gives the rows of one event at a time, live and rebuilt, with the plan each event sets', async () => {
  const last = await appendStory();

  // One event per transaction (the row-at-a-time semantics), one batch, and live in batches that cut agents' histories.
  const oneAtATime = await bed.foldThreeWays(schedulesProjection, rows, { liveBatchSize: 4, last });

  const byId = new Map<number, Record<string, unknown>>(oneAtATime.map((r: { agent_id: number }) => [r.agent_id, r]));
  expect([...byId.keys()]).toEqual([1, 2, 3, 4, 5, 8, 9]); // 6 deleted, 7 never created
  // Agent 1: re-anchored at its last save; resume point from the skipped fires, then the save.
  expect(byId.get(1)).toMatchObject({
    status: 'active',
    schedule_version: 2,
    last_planned_at: String(T0 + 20 * MINUTE),
    resume_after: String(T0 + 41 * MINUTE),
    next_fire_at: String(T0 + 51 * MINUTE),
  });
  expect(byId.get(2)).toMatchObject({ org_id: 2, launch_type: 'scheduled once', next_fire_at: String(Date.parse('2026-03-02T10:00Z')) });
  expect(byId.get(3)).toMatchObject({ after_agent_id: 1, exit_codes: [0, 2], delay_seconds: 30, next_fire_at: null });
  expect(byId.get(4)).toMatchObject({ status: 'retired', next_fire_at: null });
  expect(byId.get(5)).toMatchObject({ status: 'active', next_fire_at: String(T0 + 35 * MINUTE) });
  expect(byId.get(8)).toMatchObject({ org_id: 1, next_fire_at: String(T0 + 5000 + 60 * MINUTE) });
  expect(byId.get(9)).toMatchObject({ resume_after: String(T0 - MINUTE), next_fire_at: String(T0 + 2 * MINUTE) });
});
