import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SchedulerReadModel1764200000100 implements MigrationInterface {
  name = 'SchedulerReadModel1764200000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scheduler_agents (
        agent_id integer PRIMARY KEY,
        org_id integer NOT NULL,
        status text NOT NULL,
        version_id text,
        launched_by jsonb,
        spec jsonb,
        launch_type text,
        missed_policy text NOT NULL DEFAULT 'skip',
        resume_after bigint NOT NULL DEFAULT 0,
        next_fire_at bigint,
        schedule_version integer NOT NULL DEFAULT 0,
        last_planned_at bigint,
        expire_at bigint,
        after_agent_id integer,
        exit_codes jsonb,
        delay_seconds integer
      )`);
    await q.query(`CREATE INDEX scheduler_agents_due ON scheduler_agents (next_fire_at) WHERE next_fire_at IS NOT NULL`);
    await q.query(`CREATE INDEX scheduler_agents_after ON scheduler_agents (after_agent_id) WHERE after_agent_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scheduler_agents`);
  }
}
