import { MASTER_BRANCH, ScriptEventType, type ScriptEvent } from '@agentry/contracts';

/** One branch's code: staging (what was last saved to it) and release (what was last released; null: never). */
export interface BranchCode {
  staging: string;
  release: string | null;
}

/** What a `script-<id>` stream folds to. */
export interface ScriptState {
  scriptId: number;
  orgId: number;
  name: string;
  text: string;
  source: string;
  nonce: number;
  createdAt: number;
  savedAt: number;
  deleted: boolean;
  /** By branch name; `master` always (a save without branch writes both of its environments). */
  branches: Record<string, BranchCode>;
}

export interface DomainEvent<D = unknown> {
  type: string;
  data: D;
}

/** Folds one event of a `script-<id>` stream; the type narrows its data. */
function applyScriptEvent(state: ScriptState | null, event: ScriptEvent): ScriptState | null {
  if (event.type === ScriptEventType.saved) {
    const d = event.data;
    return {
      scriptId: d.scriptId,
      orgId: d.orgId,
      name: d.name,
      text: d.text,
      source: d.source,
      nonce: d.nonce,
      createdAt: d.createdAt,
      savedAt: d.savedAt,
      deleted: false,
      branches: { ...state?.branches, [MASTER_BRANCH]: { staging: d.text, release: d.text } },
    };
  }
  if (event.type === ScriptEventType.stagingSaved && state) {
    const d = event.data;
    return { ...state, branches: { ...state.branches, [d.branch]: { staging: d.text, release: state.branches[d.branch]?.release ?? null } } };
  }
  if (event.type === ScriptEventType.released && state) {
    const { branch } = event.data;
    const code = state.branches[branch];
    return code ? { ...state, branches: { ...state.branches, [branch]: { ...code, release: code.staging } } } : state;
  }
  if (event.type === ScriptEventType.deleted && state) return { ...state, deleted: true };
  return state;
}

export const foldScript = (events: readonly ScriptEvent[]): ScriptState | null => events.reduce(applyScriptEvent, null);
