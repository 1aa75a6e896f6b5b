import {
  DomainError,
  ErrorCode,
  ScriptEventType,
  notFound,
  validationFailed,
  type ScriptDeletedData,
  type ScriptNameClaimData,
  type ScriptSavedBy,
  type ScriptSavedData,
  type ScriptStagingSavedData,
} from '@agentry/contracts';
import { sourceOnCreate, type SaveCommand } from './save-command.js';
import type { DomainEvent, ScriptState } from './script.js';

/** Who acts and when; `now` comes from the caller so decisions stay pure. */
export interface DecisionContext {
  orgId: number;
  by: ScriptSavedBy;
  now: number;
}

/** Another org's script, a deleted one and a missing one all look the same: not found. */
export function requireVisibleScript(state: ScriptState | null, orgId: number): ScriptState {
  if (!state || state.deleted || state.orgId !== orgId) throw notFound('Script');
  return state;
}

export const scriptAlreadyExists = (name: string): DomainError =>
  new DomainError(ErrorCode.ALREADY_EXISTS, `A script named "${name}" already exists (insertOnly)`, [
    { field: 'name', message: 'a script with this name already exists' },
  ]);

export interface CreateDecision {
  claim: DomainEvent<ScriptNameClaimData>;
  saved: DomainEvent<ScriptSavedData>;
}

export function decideCreate(scriptId: number, command: SaveCommand, ctx: DecisionContext): CreateDecision {
  if (command.text === undefined) throw validationFailed([{ field: 'text', message: 'is required to create a script' }]);
  return {
    claim: { type: ScriptEventType.nameClaimed, data: { orgId: ctx.orgId, name: command.name, scriptId } },
    saved: {
      type: ScriptEventType.saved,
      data: {
        scriptId,
        orgId: ctx.orgId,
        name: command.name,
        text: command.text,
        source: sourceOnCreate(command),
        nonce: 1,
        savedAt: ctx.now,
        createdAt: ctx.now,
        savedBy: ctx.by,
      },
    },
  };
}

/** Every save counts, even an unchanged one: the nonce moves and `lastSaveDate` records it. */
export function decideUpdate(state: ScriptState | null, command: SaveCommand, ctx: DecisionContext): DomainEvent<ScriptSavedData> {
  const current = requireVisibleScript(state, ctx.orgId);
  if (command.insertOnly) throw scriptAlreadyExists(command.name);
  return {
    type: ScriptEventType.saved,
    data: {
      scriptId: current.scriptId,
      orgId: current.orgId,
      name: current.name,
      text: command.text ?? current.text,
      source: command.source ?? current.source,
      nonce: current.nonce + 1,
      savedAt: ctx.now,
      createdAt: current.createdAt,
      savedBy: ctx.by,
    },
  };
}

/**
 * A save with `branch`: that branch's staging code, nothing else (release moves with `branches/release`).
 * The caller has checked the branch exists.
 */
export function decideStagingSave(
  state: ScriptState | null,
  command: SaveCommand & { branch: string; text: string },
  ctx: DecisionContext,
): DomainEvent<ScriptStagingSavedData> {
  const current = requireVisibleScript(state, ctx.orgId);
  if (command.insertOnly) throw scriptAlreadyExists(command.name);
  return stagingSaved(current.scriptId, current.name, command.branch, command.text, ctx);
}

export const stagingSaved = (scriptId: number, name: string, branch: string, text: string, ctx: DecisionContext): DomainEvent<ScriptStagingSavedData> => ({
  type: ScriptEventType.stagingSaved,
  data: { scriptId, orgId: ctx.orgId, name, branch, text, savedAt: ctx.now, savedBy: ctx.by },
});

export interface DeleteDecision {
  deleted: DomainEvent<ScriptDeletedData>;
  released: DomainEvent<ScriptNameClaimData>;
}

export function decideDelete(state: ScriptState | null, ctx: DecisionContext): DeleteDecision {
  const current = requireVisibleScript(state, ctx.orgId);
  return {
    deleted: {
      type: ScriptEventType.deleted,
      data: { scriptId: current.scriptId, orgId: current.orgId, name: current.name, deletedAt: ctx.now, deletedBy: ctx.by },
    },
    released: { type: ScriptEventType.nameReleased, data: { orgId: current.orgId, name: current.name, scriptId: current.scriptId } },
  };
}
