import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AgentsReadModel1732600000100 implements MigrationInterface {
  name = 'AgentsReadModel1732600000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agents_agents (
        id integer PRIMARY KEY,
        org_id integer NOT NULL,
        status text NOT NULL,
        name text NOT NULL,
        script_id integer,
        stage text NOT NULL,
        tags integer[] NOT NULL,
        settings jsonb NOT NULL,
        has_proxy_password boolean NOT NULL,
        has_credentials boolean NOT NULL,
        current_version_id text NOT NULL,
        current_version_number integer NOT NULL,
        settings_schema_version integer NOT NULL,
        agent_object text,
        storage_folder text NOT NULL,
        user_storage_folder text NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        retired_at bigint,
        deleted_at bigint
      )`);
    await q.query(`CREATE INDEX agents_agents_org_status ON agents_agents (org_id, status)`);
    await q.query(`CREATE INDEX agents_agents_tags ON agents_agents USING gin (tags)`);
    await q.query(`
      CREATE TABLE agents_versions (
        version_id text PRIMARY KEY,
        agent_id integer NOT NULL,
        version_number integer NOT NULL,
        reason text NOT NULL,
        restored_from_version_id text,
        changed_fields jsonb NOT NULL,
        settings jsonb NOT NULL,
        has_proxy_password boolean NOT NULL,
        has_credentials boolean NOT NULL,
        saved_by_user_id integer NOT NULL,
        saved_by_key_id integer NOT NULL,
        saved_at bigint NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX agents_versions_agent ON agents_versions (agent_id, version_number)`);
    await q.query(`
      CREATE TABLE agents_instance_counts (
        agent_id integer PRIMARY KEY,
        pending integer NOT NULL,
        active integer NOT NULL,
        complete integer NOT NULL,
        failed integer NOT NULL,
        cancelled integer NOT NULL,
        total integer NOT NULL,
        last_end_message text,
        last_end_status text,
        last_end_type text
      )`);
    await q.query(`
      CREATE TABLE agents_container_states (
        container_id integer PRIMARY KEY,
        agent_id integer NOT NULL,
        state text NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agents_container_states`);
    await q.query(`DROP TABLE agents_instance_counts`);
    await q.query(`DROP TABLE agents_versions`);
    await q.query(`DROP TABLE agents_agents`);
  }
}
