import {
  BRANCH_NAME_PATTERN,
  DomainError,
  ErrorCode,
  MASTER_BRANCH,
  ScriptEventType,
  validationFailed,
  type ScriptBranchCreatedData,
  type ScriptBranchDeletedData,
  type ScriptEvent,
  type ScriptReleasedData,
  type ScriptSavedData,
} from '@agentry/contracts';
import type { DecisionContext } from './decisions.js';
import type { DomainEvent, ScriptState } from './script.js';

/** An org's script branches, folded from its `script_branches-<orgId>` stream; `master` (id 0) is implied. */
export interface BranchesState {
  live: { branchId: number; name: string; createdAt: number }[];
  /** Ids are never reused, so a deleted branch's id never names a new one. */
  lastId: number;
}

export function foldBranches(events: readonly ScriptEvent[]): BranchesState {
  const state: BranchesState = { live: [], lastId: 0 };
  for (const event of events) {
    if (event.type === ScriptEventType.branchCreated) {
      const d = event.data;
      state.live.push({ branchId: d.branchId, name: d.name, createdAt: d.createdAt });
      state.lastId = Math.max(state.lastId, d.branchId);
    } else if (event.type === ScriptEventType.branchDeleted) {
      const d = event.data;
      state.live = state.live.filter((b) => b.branchId !== d.branchId);
    }
  }
  return state;
}

/** `master` or a live branch of the org. */
export const branchExists = (state: BranchesState, name: string): boolean => name === MASTER_BRANCH || state.live.some((b) => b.name === name);

/** `branches/create`: a new name (the document's 400 when it is taken; `master` always is). */
export function decideCreateBranch(state: BranchesState, name: unknown, ctx: DecisionContext): DomainEvent<ScriptBranchCreatedData> {
  if (typeof name !== 'string' || !BRANCH_NAME_PATTERN.test(name)) {
    throw validationFailed([{ field: 'name', message: 'must be 1 to 50 letters, digits, _ or -' }]);
  }
  if (branchExists(state, name)) throw validationFailed([{ field: 'name', message: `a branch named "${name}" already exists` }]);
  return {
    type: ScriptEventType.branchCreated,
    data: { orgId: ctx.orgId, branchId: state.lastId + 1, name, createdAt: ctx.now, createdBy: ctx.by },
  };
}

/** `branches/delete`: a live branch of the org by id (the document's 400 otherwise); `master` stays. */
export function decideDeleteBranch(state: BranchesState, id: number, ctx: DecisionContext): DomainEvent<ScriptBranchDeletedData> {
  if (id === 0) throw validationFailed([{ field: 'id', message: 'the master branch cannot be deleted' }]);
  const branch = state.live.find((b) => b.branchId === id);
  if (!branch) throw validationFailed([{ field: 'id', message: 'no branch exists with this id' }]);
  return { type: ScriptEventType.branchDeleted, data: { orgId: ctx.orgId, branchId: id, name: branch.name, deletedAt: ctx.now, deletedBy: ctx.by } };
}

/**
 * `branches/release` of one script: null when the script has no code in that branch (it is left out).
 * Releasing `master` is a one-version save of its staging code (`ScriptSaved`): master's release code is
 * what every reader without a branch sees (v1, `scripts/fetch`, agents pointing at no branch).
 */
export function decideRelease(
  script: ScriptState | null,
  branch: string,
  ctx: DecisionContext,
): DomainEvent<ScriptReleasedData> | DomainEvent<ScriptSavedData> | null {
  if (!script || script.deleted || script.orgId !== ctx.orgId || !script.branches[branch]) return null;
  if (branch === MASTER_BRANCH) {
    return {
      type: ScriptEventType.saved,
      data: {
        scriptId: script.scriptId,
        orgId: script.orgId,
        name: script.name,
        text: script.branches[branch].staging,
        source: script.source,
        nonce: script.nonce + 1,
        savedAt: ctx.now,
        createdAt: script.createdAt,
        savedBy: ctx.by,
      },
    };
  }
  return {
    type: ScriptEventType.released,
    data: { scriptId: script.scriptId, orgId: script.orgId, name: script.name, branch, releasedAt: ctx.now, releasedBy: ctx.by },
  };
}

/** No such branch in the org: the document's 400 (`name` of release / diff, `branch` of a script save). */
export const noSuchBranch = (name: string, field: 'name' | 'branch' = 'name'): DomainError =>
  new DomainError(ErrorCode.VALIDATION_FAILED, `No branch named ${JSON.stringify(name)}`, [{ field, message: 'no branch exists with this name' }]);

/**
 * How much a branch's staging code differs from its release code, in characters: the length of the
 * differing middle (common beginning and end taken off), the longer side's. 0: the same code; a script
 * never released counts all of its staging code.
 */
export function diffLength(staging: string, release: string | null): number {
  if (release === null) return staging.length;
  let start = 0;
  while (start < staging.length && start < release.length && staging[start] === release[start]) start += 1;
  let end = 0;
  while (end < staging.length - start && end < release.length - start && staging[staging.length - 1 - end] === release[release.length - 1 - end]) end += 1;
  return Math.max(staging.length - start - end, release.length - start - end);
}
