import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `executor_containers`: where each container is, for aborts, the reaper and the abort backstop. */
export class ExecutorReadModel1764300000000 implements MigrationInterface {
  name = 'ExecutorReadModel1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE executor_containers (
        container_id bigint PRIMARY KEY,
        agent_id bigint NOT NULL,
        org_id bigint NOT NULL,
        phase text NOT NULL,
        queued_at bigint NOT NULL,
        started_at bigint,
        ended_at bigint,
        executor_id text,
        abort_requested boolean NOT NULL DEFAULT false,
        abort_soft boolean NOT NULL DEFAULT false
      )`);
    await q.query(`CREATE INDEX executor_containers_live ON executor_containers (org_id, agent_id) WHERE phase <> 'ended'`);
    await q.query(`CREATE INDEX executor_containers_running ON executor_containers (started_at) WHERE phase = 'running'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE executor_containers`);
  }
}
