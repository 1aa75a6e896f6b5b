import { useProjectionTestBed } from '@agentry/testing';
import { registryDataSource } from '../../registry-app.js';
import { scriptBranchesProjection } from './script-branches.projection.js';

const bed = useProjectionTestBed(registryDataSource);
const by = { userId: 1, keyId: 1 };

const script = (scriptId: number, orgId = 1) => {
  const append = (type: string, data: Record<string, unknown>) =>
    bed.append(`script-${scriptId}`, 'script', type, { scriptId, orgId, name: `s${scriptId}.js`, ...data });
  return {
    saved: (text: string) => append('ScriptSaved', { text, source: 'api', nonce: 1, savedAt: 1, createdAt: 1, savedBy: by }),
    staged: (branch: string, text: string) => append('ScriptStagingSaved', { branch, text, savedAt: 2, savedBy: by }),
    released: (branch: string) => append('ScriptReleased', { branch, releasedAt: 3, releasedBy: by }),
    deleted: () => append('ScriptDeleted', { deletedAt: 4, deletedBy: by }),
  };
};
const branch = (orgId: number, branchId: number, name: string) => ({
  created: () =>
    bed.append(`script_branches-${orgId}`, 'script_branches', 'ScriptBranchCreated', { orgId, branchId, name, createdAt: 10 + branchId, createdBy: by }),
  deleted: () => bed.append(`script_branches-${orgId}`, 'script_branches', 'ScriptBranchDeleted', { orgId, branchId, name, deletedAt: 20, deletedBy: by }),
});

const snapshot = async () => ({
  branches: await bed.dataSource.query(`SELECT * FROM scripts_branches ORDER BY org_id, branch_id`),
  code: await bed.dataSource.query(`SELECT * FROM scripts_script_branches ORDER BY script_id, branch`),
});

test('branches and per-branch code: one event at a time, live and rebuilt give the same rows', async () => {
  await branch(1, 1, 'dev').created();
  await branch(1, 2, 'qa').created();
  await script(1).saved('m1');
  await script(1).staged('dev', 'd1');
  await script(1).released('dev');
  await script(1).staged('dev', 'd2'); // staging moves, release stays d1
  await script(1).staged('master', 'm2'); // master staging only
  await script(1).staged('qa', 'q1');
  await branch(1, 2, 'qa').deleted(); // its code goes
  await branch(1, 3, 'qa').created(); // created again: starts empty
  await script(2).saved('x');
  await script(2).staged('dev', 'x-dev');
  await script(2).deleted(); // its rows go
  await script(3, 2).saved('other org');

  const rows = await bed.foldThreeWays(scriptBranchesProjection, snapshot);

  expect(rows.branches).toEqual([
    { org_id: 1, branch_id: 1, name: 'dev', created_at: '11' },
    { org_id: 1, branch_id: 3, name: 'qa', created_at: '13' },
  ]);
  expect(rows.code).toEqual([
    { script_id: 1, org_id: 1, branch: 'dev', staging_text: 'd2', release_text: 'd1' },
    { script_id: 1, org_id: 1, branch: 'master', staging_text: 'm2', release_text: 'm1' },
    { script_id: 3, org_id: 2, branch: 'master', staging_text: 'other org', release_text: 'other org' },
  ]);
});
