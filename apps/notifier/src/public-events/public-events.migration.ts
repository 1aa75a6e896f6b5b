import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the public-events projection must remember to address and complete an internal event: the org of
 * each agent (only AgentCreated names it), each version's number, and per container what its end reports
 * (launch type, version, queue/start times, result object). Folded from the log only: rebuildable.
 */
export class PublicEventFacts1765200000100 implements MigrationInterface {
  name = 'PublicEventFacts1765200000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE public_event_agents (agent_id integer PRIMARY KEY, org_id integer NOT NULL)`);
    await q.query(`CREATE TABLE public_event_agent_versions (version_id text PRIMARY KEY, version_number integer NOT NULL)`);
    await q.query(`
      CREATE TABLE public_event_containers (
        container_id integer PRIMARY KEY,
        org_id integer NOT NULL,
        launch_type text NOT NULL,
        agent_version_id text,
        queued_at bigint NOT NULL,
        started_at bigint,
        result_object text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE public_event_containers, public_event_agent_versions, public_event_agents`);
  }
}
