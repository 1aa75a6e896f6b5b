import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ScriptsReadModel1732600000200 implements MigrationInterface {
  name = 'ScriptsReadModel1732600000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scripts_scripts (
        id integer PRIMARY KEY,
        org_id integer NOT NULL,
        name text NOT NULL,
        source text NOT NULL,
        text text NOT NULL,
        nonce integer NOT NULL,
        last_save_date bigint NOT NULL,
        created_at bigint NOT NULL
      )`);
    // Not unique on purpose: the name claim streams guarantee uniqueness, and a projection must
    // never get stuck on a constraint while replaying history.
    await q.query(`CREATE INDEX scripts_scripts_org_name ON scripts_scripts (org_id, name)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scripts_scripts`);
  }
}
