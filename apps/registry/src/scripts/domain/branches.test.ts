import { DomainError, ScriptEventType } from '@agentry/contracts';
import { decideCreateBranch, decideDeleteBranch, decideRelease, diffLength, foldBranches } from './branches.js';
import { decideStagingSave } from './decisions.js';
import { foldScript, type DomainEvent } from './script.js';

const ctx = { orgId: 3, by: { userId: 1, keyId: 2 }, now: 1000 };
const saved = (text: string): DomainEvent => ({
  type: ScriptEventType.saved,
  data: { scriptId: 9, orgId: 3, name: 'a.js', text, source: 'api', nonce: 1, savedAt: 1, createdAt: 1, savedBy: ctx.by },
});
const staged = (branch: string, text: string): DomainEvent => ({
  type: ScriptEventType.stagingSaved,
  data: { scriptId: 9, orgId: 3, name: 'a.js', branch, text, savedAt: 2, savedBy: ctx.by },
});
const released = (branch: string): DomainEvent => ({
  type: ScriptEventType.released,
  data: { scriptId: 9, orgId: 3, name: 'a.js', branch, releasedAt: 3, releasedBy: ctx.by },
});

const fieldsOf = (call: () => unknown): string[] => {
  try {
    call();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return ((e as DomainError).fields ?? []).map((f) => `${f.field}: ${f.message}`);
  }
  throw new Error('expected a refusal');
};

describe('a script per branch: given its events, its staging and release code', () => {
  test('a save without branch is both environments of master; a staging save changes staging only; a release copies it', () => {
    expect(foldScript([saved('v1')])!.branches).toEqual({ master: { staging: 'v1', release: 'v1' } });
    expect(foldScript([saved('v1'), staged('master', 'v2')])!.branches).toEqual({ master: { staging: 'v2', release: 'v1' } });
    expect(foldScript([saved('v1'), staged('dev', 'd1')])!.branches['dev']).toEqual({ staging: 'd1', release: null });
    expect(foldScript([saved('v1'), staged('dev', 'd1'), released('dev'), staged('dev', 'd2')])!.branches['dev']).toEqual({ staging: 'd2', release: 'd1' });
    // A later save without branch keeps the other branches.
    expect(foldScript([saved('v1'), staged('dev', 'd1'), saved('v3')])!.branches).toEqual({
      master: { staging: 'v3', release: 'v3' },
      dev: { staging: 'd1', release: null },
    });
  });

  test('release: only a script of the org with code in the branch', () => {
    const script = foldScript([saved('v1'), staged('dev', 'd1')]);
    expect(decideRelease(script, 'dev', ctx)!.data).toMatchObject({ scriptId: 9, branch: 'dev' });
    expect(decideRelease(script, 'other', ctx)).toBeNull();
    expect(decideRelease(script, 'dev', { ...ctx, orgId: 4 })).toBeNull();
    expect(decideRelease(null, 'dev', ctx)).toBeNull();
  });

  test('releasing master is a one-version save of its staging code: what readers without a branch see', () => {
    const script = foldScript([saved('v1'), staged('master', 'v2')]);
    const event = decideRelease(script, 'master', ctx)!;
    expect(event).toMatchObject({ type: ScriptEventType.saved, data: { scriptId: 9, text: 'v2', nonce: 2, savedAt: 1000 } });
    expect(foldScript([saved('v1'), staged('master', 'v2'), event])!.branches['master']).toEqual({ staging: 'v2', release: 'v2' });
  });

  test("a staging save of another org's script is not found", () => {
    expect(() => decideStagingSave(foldScript([saved('v1')]), { name: 'a.js', insertOnly: false, branch: 'dev', text: 'x' }, { ...ctx, orgId: 4 })).toThrow(
      'Script not found',
    );
  });
});

describe('the org branches', () => {
  const created = (branchId: number, name: string): DomainEvent => ({
    type: ScriptEventType.branchCreated,
    data: { orgId: 3, branchId, name, createdAt: 1, createdBy: ctx.by },
  });
  const deleted = (branchId: number, name: string): DomainEvent => ({
    type: ScriptEventType.branchDeleted,
    data: { orgId: 3, branchId, name, deletedAt: 2, deletedBy: ctx.by },
  });

  test('created with the next id (never reused); a taken name, master or a bad name is a 400 naming name', () => {
    const state = foldBranches([created(1, 'dev'), created(2, 'qa'), deleted(2, 'qa')]);
    expect(decideCreateBranch(state, 'qa', ctx).data).toMatchObject({ branchId: 3, name: 'qa' });
    expect(fieldsOf(() => decideCreateBranch(state, 'dev', ctx))).toEqual(['name: a branch named "dev" already exists']);
    expect(fieldsOf(() => decideCreateBranch(state, 'master', ctx))).toEqual(['name: a branch named "master" already exists']);
    expect(fieldsOf(() => decideCreateBranch(state, '../x', ctx))).toEqual(['name: must be 1 to 50 letters, digits, _ or -']);
    expect(fieldsOf(() => decideCreateBranch(state, 'x'.repeat(51), ctx))).toEqual(['name: must be 1 to 50 letters, digits, _ or -']);
    expect(fieldsOf(() => decideCreateBranch(state, { name: 'dev' }, ctx))).toEqual(['name: must be 1 to 50 letters, digits, _ or -']);
  });

  test('deleted by id; master, a deleted or unknown id is a 400 naming id', () => {
    const state = foldBranches([created(1, 'dev'), created(2, 'qa'), deleted(2, 'qa')]);
    expect(decideDeleteBranch(state, 1, ctx).data).toMatchObject({ branchId: 1, name: 'dev' });
    expect(fieldsOf(() => decideDeleteBranch(state, 0, ctx))).toEqual(['id: the master branch cannot be deleted']);
    expect(fieldsOf(() => decideDeleteBranch(state, 2, ctx))).toEqual(['id: no branch exists with this id']);
    expect(fieldsOf(() => decideDeleteBranch(state, 99, ctx))).toEqual(['id: no branch exists with this id']);
  });
});

test('diffLength: the differing middle, the longer side; never released counts all of staging', () => {
  expect(diffLength('same', 'same')).toBe(0);
  expect(diffLength('console.log(2)', 'console.log(1)')).toBe(1);
  expect(diffLength('abcXYZdef', 'abcdef')).toBe(3);
  expect(diffLength('abc', 'abcdef')).toBe(3);
  expect(diffLength('staged', null)).toBe(6);
  expect(diffLength('aaa', 'aa')).toBe(1);
});
