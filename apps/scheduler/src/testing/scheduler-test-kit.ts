import pg from 'pg';
import { waitUntil } from '@agentry/testing';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { loadSchedulerConfig } from '../config.js';
import type { Clock } from '../platform/clock.js';
import { startScheduler, type RunningScheduler } from '../scheduler-app.js';

/** A clock that only moves when the test says so. */
export class ManualClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  set(ms: number): void {
    this.t = ms;
  }
}

export interface SchedulerTestKit {
  platform: TestPlatform;
  clock: ManualClock;
  key: string;
  /** Starts a scheduler replica on the platform's servers (the kit stops it at the end unless already closed). */
  startReplica(env?: Record<string, string>): Promise<RunningScheduler>;
  /** Saves an agent through the v2 API; answers its id. */
  saveAgent(fields: Record<string, unknown>): Promise<number>;
  /** The agent's next planned fire as the scheduler's read model has it (null: none). */
  nextFireAt(agentId: number): Promise<number | null>;
  /** Idempotency keys of the agent's containers, in launch order (from the event log). */
  launchKeys(agentId: number): Promise<string[]>;
  /** Every agent's planned first fire, once the read model has them all. */
  plannedFires(agentIds: number[]): Promise<Map<number, number>>;
  /** How many containers these agents have (from the event log). */
  launchCount(agentIds: number[]): Promise<number>;
  /** Idempotency keys per agent, in launch order. */
  launchKeysOf(agentIds: number[]): Promise<Map<number, string[]>>;
  /** Launch types of the agent's containers, in launch order. */
  launchTypes(agentId: number): Promise<string[]>;
  /** The agent the scheduler's read model has this one following (null: none). */
  followedBy(agentId: number): Promise<number | null>;
  close(): Promise<void>;
}

/** The platform with execution (registry, gateway, executor, output) and a controllable clock for scheduler replicas. */
export async function startSchedulerTestKit(): Promise<SchedulerTestKit> {
  const platform = await startPlatform({ execution: true });
  const clock = new ManualClock(Date.now());
  const replicas: RunningScheduler[] = [];
  const { key } = await platform.newOrg({ maxAgents: 5000 });
  const pool = new pg.Pool({ connectionString: platform.databaseUrl, max: 2 });
  const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<T[]> => (await pool.query<T>(sql, params)).rows;
  const queued = (agentId: number) =>
    query<{ key: string; type: string }>(
      `SELECT data->>'idempotencyKey' AS key, data->>'launchType' AS type FROM events
        WHERE type = 'ContainerQueued' AND (data->>'agentId')::int = $1 ORDER BY global_position`,
      [agentId],
    );
  return {
    platform,
    clock,
    key,
    async startReplica(env = {}) {
      const config = loadSchedulerConfig({
        DATABASE_URL: platform.databaseUrl,
        NATS_URL: platform.natsUrlFor('scheduler'),
        LOG_LEVEL: 'warn',
        SCHEDULER_TICK_MS: '20',
        ...env,
      });
      const replica = await startScheduler(config, { clock });
      replicas.push(replica);
      return replica;
    },
    async saveAgent(fields) {
      const res = await platform.request('POST', '/api/v2/agents/save', { key, json: fields });
      if (res.status !== 200) throw new Error(`save failed: ${res.status} ${res.text}`);
      return Number(res.body.id);
    },
    async nextFireAt(agentId) {
      const rows = await query<{ next: string | null }>(`SELECT next_fire_at::text AS next FROM scheduler_agents WHERE agent_id = $1`, [agentId]);
      return rows[0]?.next == null ? null : Number(rows[0].next);
    },
    async launchKeys(agentId) {
      return (await queued(agentId)).map((r) => r.key);
    },
    async plannedFires(agentIds) {
      let rows: { id: number; next: string }[] = [];
      await waitUntil(async () => {
        rows = await query(`SELECT agent_id AS id, next_fire_at::text AS next FROM scheduler_agents WHERE agent_id = ANY($1) AND next_fire_at IS NOT NULL`, [
          agentIds,
        ]);
        return rows.length === agentIds.length;
      });
      return new Map(rows.map((r) => [r.id, Number(r.next)]));
    },
    async launchCount(agentIds) {
      const rows = await query<{ n: string }>(`SELECT count(*)::text AS n FROM events WHERE type = 'ContainerQueued' AND (data->>'agentId')::int = ANY($1)`, [
        agentIds,
      ]);
      return Number(rows[0]!.n);
    },
    async launchKeysOf(agentIds) {
      const rows = await query<{ id: number; key: string }>(
        `SELECT (data->>'agentId')::int AS id, data->>'idempotencyKey' AS key FROM events
          WHERE type = 'ContainerQueued' AND (data->>'agentId')::int = ANY($1) ORDER BY global_position`,
        [agentIds],
      );
      const byAgent = new Map<number, string[]>(agentIds.map((id) => [id, []]));
      for (const r of rows) byAgent.get(r.id)!.push(r.key);
      return byAgent;
    },
    async launchTypes(agentId) {
      return (await queued(agentId)).map((r) => r.type);
    },
    async followedBy(agentId) {
      const rows = await query<{ after: number | null }>(`SELECT after_agent_id AS after FROM scheduler_agents WHERE agent_id = $1`, [agentId]);
      return rows[0]?.after ?? null;
    },
    async close() {
      for (const r of replicas.reverse()) await r.close().catch(() => undefined);
      await pool.end();
      await platform.close();
    },
  };
}
