import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The org's script branches and each script's code per branch (staging, release). Filled by the
 * `registry:script-branches` projection from the start of the log (a new projection catches up from
 * position 0), so scripts saved before this existed get their `master` rows too.
 */
export class ScriptBranchesReadModel1765100000300 implements MigrationInterface {
  name = 'ScriptBranchesReadModel1765100000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scripts_branches (
        org_id integer NOT NULL,
        branch_id integer NOT NULL,
        name text NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (org_id, branch_id)
      )`);
    await q.query(`
      CREATE TABLE scripts_script_branches (
        script_id integer NOT NULL,
        org_id integer NOT NULL,
        branch text NOT NULL,
        staging_text text NOT NULL,
        release_text text,
        PRIMARY KEY (script_id, branch)
      )`);
    await q.query(`CREATE INDEX scripts_script_branches_org_branch ON scripts_script_branches (org_id, branch)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scripts_script_branches, scripts_branches`);
  }
}
