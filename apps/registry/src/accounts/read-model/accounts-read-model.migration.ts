import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read model of the accounts feature. No unique constraints besides primary keys: uniqueness is
 * decided on the event streams (name claims, the org aggregate), and a projection must never get
 * stuck on a constraint while replaying history.
 */
export class AccountsReadModel1732600000300 implements MigrationInterface {
  name = 'AccountsReadModel1732600000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts_orgs (
        id integer PRIMARY KEY,
        name text NOT NULL,
        max_agents integer NOT NULL,
        created_at bigint NOT NULL
      )`);
    await q.query(`
      CREATE TABLE accounts_users (
        id integer PRIMARY KEY,
        org_id integer NOT NULL,
        email text,
        roles text[] NOT NULL,
        added_at bigint NOT NULL
      )`);
    await q.query(`CREATE INDEX accounts_users_org ON accounts_users (org_id)`);
    await q.query(`
      CREATE TABLE accounts_api_keys (
        id integer PRIMARY KEY,
        org_id integer NOT NULL,
        user_id integer NOT NULL,
        name text,
        roles text[] NOT NULL,
        platform_admin boolean NOT NULL,
        prefix text NOT NULL,
        prefix_visible boolean NOT NULL,
        hash text NOT NULL,
        created_at bigint NOT NULL,
        revoked_at bigint
      )`);
    await q.query(`CREATE INDEX accounts_api_keys_prefix ON accounts_api_keys (prefix)`);
    await q.query(`CREATE INDEX accounts_api_keys_org ON accounts_api_keys (org_id)`);
    await q.query(`
      CREATE TABLE accounts_tags (
        id integer PRIMARY KEY,
        org_id integer NOT NULL,
        name text NOT NULL,
        created_at bigint NOT NULL
      )`);
    await q.query(`CREATE INDEX accounts_tags_org ON accounts_tags (org_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE accounts_tags, accounts_api_keys, accounts_users, accounts_orgs`);
  }
}
