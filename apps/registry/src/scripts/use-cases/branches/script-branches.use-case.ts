import { Injectable } from '@nestjs/common';
import { EventStore, ProjectionRunner, type LogPosition } from '@agentry/event-store';
import {
  BRANCH_NAME_PATTERN,
  DomainError,
  ErrorCode,
  Role,
  SCRIPT_BRANCHES_STREAM_TYPE,
  StreamType,
  requireRole,
  scriptBranchesStreamId,
  validationFailed,
  type CreateScriptBranchParams,
  type DeleteScriptBranchParams,
  type ReleaseScriptBranchParams,
  type ReleaseScriptBranchResult,
  type RequestEnvelope,
  type ScriptBranchDiffDto,
  type ScriptBranchDiffParams,
  type ScriptBranchDto,
} from '@agentry/contracts';
import { branchExists, decideCreateBranch, decideDeleteBranch, decideRelease, diffLength, noSuchBranch } from '../../domain/branches.js';
import type { DecisionContext } from '../../domain/decisions.js';
import { ScriptsLookup } from '../../read-model/scripts.lookup.js';
import { ScriptStreams, scriptStreamId, toNewEvent } from '../../script-streams.js';

const contextOf = (envelope: RequestEnvelope<unknown>): DecisionContext => ({
  orgId: envelope.actor.orgId,
  by: { userId: envelope.actor.userId, keyId: envelope.actor.keyId },
  now: Date.now(),
});

const readBranchName = (name: unknown): string => {
  if (typeof name !== 'string' || !BRANCH_NAME_PATTERN.test(name))
    throw validationFailed([{ field: 'name', message: 'must be 1 to 50 letters, digits, _ or -' }]);
  return name;
};

/**
 * v2 `branches/*`: an org's script branches (`master` always, others created and deleted), each script's
 * staging and release code per branch, releases that promote staging to release, and the diff between them.
 * Branches are decided on the org's `script_branches-<orgId>` stream (its version fences two creates of one
 * name); a release appends to each script's own stream.
 */
@Injectable()
export class ScriptBranchesUseCase {
  constructor(
    private readonly store: EventStore,
    private readonly streams: ScriptStreams,
    private readonly lookup: ScriptsLookup,
    private readonly projections: ProjectionRunner,
  ) {}

  /** The org's branches but `master` (the gateway answers it first, with the org's creation date). */
  list(envelope: RequestEnvelope<unknown>): Promise<ScriptBranchDto[]> {
    return this.lookup.branches(envelope.actor.orgId);
  }

  async create(envelope: RequestEnvelope<CreateScriptBranchParams>): Promise<ScriptBranchDto> {
    requireRole(envelope.actor, Role.SCRIPTS_WRITE);
    const ctx = contextOf(envelope);
    const { state, version } = await this.streams.loadBranches(ctx.orgId);
    const created = decideCreateBranch(state, envelope.params?.name, ctx);
    const appended = await this.store.append(scriptBranchesStreamId(ctx.orgId), SCRIPT_BRANCHES_STREAM_TYPE, [toNewEvent(created, envelope)], {
      expectedVersion: version,
    });
    await this.projections.waitFor(appended.position);
    return { id: created.data.branchId, name: created.data.name, createdAt: created.data.createdAt };
  }

  async delete(envelope: RequestEnvelope<DeleteScriptBranchParams>): Promise<ScriptBranchDto> {
    requireRole(envelope.actor, Role.SCRIPTS_WRITE);
    const ctx = contextOf(envelope);
    const id = envelope.params?.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) throw validationFailed([{ field: 'id', message: 'must be a branch id' }]);
    const { state, version } = await this.streams.loadBranches(ctx.orgId);
    const deleted = decideDeleteBranch(state, id, ctx);
    const appended = await this.store.append(scriptBranchesStreamId(ctx.orgId), SCRIPT_BRANCHES_STREAM_TYPE, [toNewEvent(deleted, envelope)], {
      expectedVersion: version,
    });
    await this.projections.waitFor(appended.position);
    return { id, name: deleted.data.name, createdAt: state.live.find((b) => b.branchId === id)!.createdAt };
  }

  /**
   * Each listed script of the org that has code in the branch: its staging code becomes its release code.
   * Others (another org's, deleted, not in the branch) are left out; none left is the document's 412.
   */
  async release(envelope: RequestEnvelope<ReleaseScriptBranchParams>): Promise<ReleaseScriptBranchResult> {
    requireRole(envelope.actor, Role.SCRIPTS_WRITE);
    const ctx = contextOf(envelope);
    const name = readBranchName(envelope.params?.name);
    const ids = envelope.params?.scriptIds;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => Number.isSafeInteger(id) && id > 0)) {
      throw validationFailed([{ field: 'scriptIds', message: 'is required: the ids of the scripts to release' }]);
    }
    if (!branchExists((await this.streams.loadBranches(ctx.orgId)).state, name)) throw noSuchBranch(name);
    const released: number[] = [];
    // Each release is appended after the one before: waiting for the last one waits for all.
    let last: LogPosition | undefined;
    for (const id of [...new Set(ids)]) {
      const { state, version } = await this.streams.loadScript(id);
      const event = decideRelease(state, name, ctx);
      if (!event) continue;
      const appended = await this.store.append(scriptStreamId(id), StreamType.script, [toNewEvent(event, envelope)], { expectedVersion: version });
      last = appended.position;
      released.push(id);
    }
    if (released.length === 0) throw new DomainError(ErrorCode.PRECONDITION_FAILED, `None of the scripts exist in branch ${JSON.stringify(name)}`);
    await this.projections.waitFor(last!);
    return { name, scriptIds: released };
  }

  async diff(envelope: RequestEnvelope<ScriptBranchDiffParams>): Promise<ScriptBranchDiffDto[]> {
    const orgId = envelope.actor.orgId;
    const name = readBranchName(envelope.params?.name);
    if (!(await this.lookup.branchExists(orgId, name))) throw noSuchBranch(name);
    const scripts = await this.lookup.branchCode(orgId, name);
    return scripts.map((s) => ({ id: s.id, name: s.name, diffLength: diffLength(s.staging, s.release) }));
  }
}
