import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { MASTER_BRANCH, type ScriptBranchDto, type ScriptEnvironment } from '@agentry/contracts';
import type { ScriptDto } from '@agentry/contracts';
import { ScriptRow } from './script.entity.js';

export interface ScriptLookupOptions {
  /** Leave the script's text out (lists, `withoutText`). */
  withoutText?: boolean;
}

/** The `id` column is a Postgres integer: a larger id cannot exist (and must not reach the query as an error). */
const MAX_SCRIPT_ID = 2_147_483_647;

const toDto = (row: ScriptRow, opts: ScriptLookupOptions): ScriptDto => ({
  id: row.id,
  name: row.name,
  source: row.source,
  ...(opts.withoutText ? {} : { text: row.text }),
  lastSaveDate: row.lastSaveDate,
  nonce: row.nonce,
  createdAt: row.createdAt,
});

/**
 * Reads live scripts from the read model, always within one org. The scripts queries use it, and
 * other registry features (agents: `scriptId` / `script` name binding, `withScript`) inject it.
 */
@Injectable()
export class ScriptsLookup {
  private readonly rows: Repository<ScriptRow>;

  constructor(private readonly dataSource: DataSource) {
    this.rows = dataSource.getRepository(ScriptRow);
  }

  /** The org's branches but `master` (which always exists), oldest first. */
  async branches(orgId: number): Promise<ScriptBranchDto[]> {
    const rows: { branch_id: number; name: string; created_at: string }[] = await this.dataSource.query(
      `SELECT branch_id, name, created_at FROM scripts_branches WHERE org_id = $1 ORDER BY branch_id`,
      [orgId],
    );
    return rows.map((r) => ({ id: r.branch_id, name: r.name, createdAt: Number(r.created_at) }));
  }

  async branchExists(orgId: number, name: string): Promise<boolean> {
    if (name === MASTER_BRANCH) return true;
    const [row] = await this.dataSource.query(`SELECT 1 FROM scripts_branches WHERE org_id = $1 AND name = $2`, [orgId, name]);
    return row !== undefined;
  }

  /**
   * The script's code in one environment of one branch, or why there is none: the branch does not
   * exist, the script has no code in it, or (release) it was never released there.
   */
  async codeIn(orgId: number, scriptId: number, branch: string, environment: ScriptEnvironment): Promise<{ text: string } | { problem: string }> {
    if (!(await this.branchExists(orgId, branch))) return { problem: `No branch named ${JSON.stringify(branch)}` };
    const [row]: { staging_text: string; release_text: string | null }[] = await this.dataSource.query(
      `SELECT staging_text, release_text FROM scripts_script_branches WHERE org_id = $1 AND script_id = $2 AND branch = $3`,
      [orgId, scriptId, branch],
    );
    if (!row) return { problem: `The script does not exist in branch ${JSON.stringify(branch)}` };
    const text = environment === 'staging' ? row.staging_text : row.release_text;
    if (text === null) return { problem: `The script has no release code in branch ${JSON.stringify(branch)} yet (release it with branches/release)` };
    return { text };
  }

  /** The live branches the script has code in, `master` (id 0) first, and whether it has release code there. */
  async branchesOf(orgId: number, scriptId: number): Promise<NonNullable<ScriptDto['branches']>> {
    const rows: { id: number; name: string; released: boolean }[] = await this.dataSource.query(
      `SELECT COALESCE(sb.branch_id, 0) AS id, b.branch AS name, b.release_text IS NOT NULL AS released
         FROM scripts_script_branches b LEFT JOIN scripts_branches sb ON sb.org_id = b.org_id AND sb.name = b.branch
        WHERE b.org_id = $1 AND b.script_id = $2 AND (b.branch = $3 OR sb.name IS NOT NULL) ORDER BY 1`,
      [orgId, scriptId, MASTER_BRANCH],
    );
    return rows;
  }

  /** Each script with code in the branch: its staging and release code, by id. */
  async branchCode(orgId: number, branch: string): Promise<{ id: number; name: string; staging: string; release: string | null }[]> {
    const rows: { id: number; name: string; staging_text: string; release_text: string | null }[] = await this.dataSource.query(
      `SELECT s.id, s.name, b.staging_text, b.release_text FROM scripts_script_branches b JOIN scripts_scripts s ON s.id = b.script_id
        WHERE b.org_id = $1 AND b.branch = $2 ORDER BY s.id`,
      [orgId, branch],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, staging: r.staging_text, release: r.release_text }));
  }

  async findById(orgId: number, id: number, opts: ScriptLookupOptions = {}): Promise<ScriptDto | null> {
    if (!Number.isSafeInteger(id) || id < 1 || id > MAX_SCRIPT_ID) return null;
    const row = await this.rows.findOne({ where: { orgId, id } });
    return row ? toDto(row, opts) : null;
  }

  async findByName(orgId: number, name: string, opts: ScriptLookupOptions = {}): Promise<ScriptDto | null> {
    const row = await this.rows.findOne({ where: { orgId, name } });
    return row ? toDto(row, opts) : null;
  }

  /** Every script of the org without text, oldest first. */
  async list(orgId: number): Promise<ScriptDto[]> {
    const rows = await this.rows.find({
      where: { orgId },
      order: { id: 'ASC' },
      select: { id: true, orgId: true, name: true, source: true, nonce: true, lastSaveDate: true, createdAt: true },
    });
    return rows.map((row) => toDto(row, { withoutText: true }));
  }
}
