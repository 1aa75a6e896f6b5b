import type { EntityManager } from 'typeorm';
import type { Projection, StoredEventOf } from '@agentry/event-store';
import { MASTER_BRANCH, ScriptEventType, type ScriptEvent } from '@agentry/contracts';

/**
 * `scripts_branches` (the org's branches but `master`) and `scripts_script_branches` (each script's
 * staging and release code per branch) from the scripts' events. A save without branch writes both
 * environments of `master`; a staging save one branch's staging; a release copies staging to release;
 * a deleted script or branch takes its rows along (and a branch created again starts empty). Event data
 * only, so a rebuild gives the same rows.
 */
export const scriptBranchesProjection: Projection<ScriptEvent> = {
  name: 'registry:script-branches',
  eventTypes: [
    ScriptEventType.saved,
    ScriptEventType.stagingSaved,
    ScriptEventType.released,
    ScriptEventType.deleted,
    ScriptEventType.branchCreated,
    ScriptEventType.branchDeleted,
  ],
  tables: ['scripts_branches', 'scripts_script_branches'],

  async apply(event: StoredEventOf<ScriptEvent>, m: EntityManager): Promise<void> {
    switch (event.type) {
      case ScriptEventType.saved: {
        const d = event.data;
        await upsertCode(m, d.scriptId, d.orgId, MASTER_BRANCH, d.text, d.text);
        break;
      }
      case ScriptEventType.stagingSaved: {
        const d = event.data;
        await m.query(
          `INSERT INTO scripts_script_branches (script_id, org_id, branch, staging_text, release_text) VALUES ($1, $2, $3, $4, NULL)
           ON CONFLICT (script_id, branch) DO UPDATE SET staging_text = EXCLUDED.staging_text`,
          [d.scriptId, d.orgId, d.branch, d.text],
        );
        break;
      }
      case ScriptEventType.released: {
        const d = event.data;
        await m.query(`UPDATE scripts_script_branches SET release_text = staging_text WHERE script_id = $1 AND branch = $2`, [d.scriptId, d.branch]);
        break;
      }
      case ScriptEventType.deleted:
        await m.query(`DELETE FROM scripts_script_branches WHERE script_id = $1`, [event.data.scriptId]);
        break;
      case ScriptEventType.branchCreated: {
        const d = event.data;
        await m.query(`DELETE FROM scripts_script_branches WHERE org_id = $1 AND branch = $2`, [d.orgId, d.name]);
        await m.query(`INSERT INTO scripts_branches (org_id, branch_id, name, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
          d.orgId,
          d.branchId,
          d.name,
          d.createdAt,
        ]);
        break;
      }
      case ScriptEventType.branchDeleted: {
        const d = event.data;
        await m.query(`DELETE FROM scripts_branches WHERE org_id = $1 AND branch_id = $2`, [d.orgId, d.branchId]);
        await m.query(`DELETE FROM scripts_script_branches WHERE org_id = $1 AND branch = $2`, [d.orgId, d.name]);
        break;
      }
    }
  },

  async reset(m: EntityManager): Promise<void> {
    await m.query(`TRUNCATE scripts_branches, scripts_script_branches`);
  },
};

const upsertCode = (m: EntityManager, scriptId: number, orgId: number, branch: string, staging: string, release: string) =>
  m.query(
    `INSERT INTO scripts_script_branches (script_id, org_id, branch, staging_text, release_text) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (script_id, branch) DO UPDATE SET staging_text = EXCLUDED.staging_text, release_text = EXCLUDED.release_text`,
    [scriptId, orgId, branch, staging, release],
  );
