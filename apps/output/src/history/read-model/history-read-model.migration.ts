import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OutputHistoryReadModel1764100000200 implements MigrationInterface {
  name = 'OutputHistoryReadModel1764100000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE output_containers (
        id bigint PRIMARY KEY,
        org_id integer NOT NULL,
        agent_id integer NOT NULL,
        status text NOT NULL,
        launch_type text NOT NULL,
        launch_number integer NOT NULL,
        agent_version_id text,
        retry_number integer NOT NULL,
        retry_of_container_id bigint,
        queued_at bigint NOT NULL,
        started_at bigint,
        ended_at bigint,
        final_status text,
        end_type text,
        end_message text,
        exit_code integer,
        launch_failed boolean NOT NULL DEFAULT false,
        progress double precision,
        progress_label text,
        progress_at bigint,
        result_object text,
        output_length bigint
      )`);
    await q.query(`CREATE INDEX output_containers_agent ON output_containers (agent_id, id)`);
    await q.query(`CREATE INDEX output_containers_agent_ended ON output_containers (agent_id, ended_at)`);
    await q.query(`CREATE INDEX output_containers_org_status ON output_containers (org_id, status)`);
    await q.query(`CREATE INDEX output_containers_ended ON output_containers (ended_at) WHERE status = 'ended'`);
    await q.query(`
      CREATE TABLE output_messages (
        container_id bigint NOT NULL,
        message_number integer NOT NULL,
        message_id bigint NOT NULL,
        at bigint NOT NULL,
        text text NOT NULL,
        type text NOT NULL,
        context jsonb NOT NULL,
        PRIMARY KEY (container_id, message_number)
      )`);
    // Launches per agent (v1 launchNumber). Kept apart from the containers so archiving them never renumbers.
    await q.query(`CREATE TABLE output_launch_counters (agent_id integer PRIMARY KEY, launches integer NOT NULL)`);
    // Names for listings, from agent and script events (the registry's tables belong to the registry).
    await q.query(`
      CREATE TABLE output_agents (
        agent_id integer PRIMARY KEY,
        org_id integer NOT NULL,
        name text NOT NULL,
        script_id integer,
        deleted boolean NOT NULL
      )`);
    await q.query(`CREATE TABLE output_scripts (script_id integer PRIMARY KEY, org_id integer NOT NULL, name text NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE output_scripts, output_agents, output_launch_counters, output_messages, output_containers`);
  }
}
