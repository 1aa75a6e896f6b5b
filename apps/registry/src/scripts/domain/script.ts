import { MASTER_BRANCH, ScriptEventType, type ScriptReleasedData, type ScriptSavedData, type ScriptStagingSavedData } from '@agentry/contracts';

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

function applyScriptEvent(state: ScriptState | null, event: DomainEvent): ScriptState | null {
  if (event.type === ScriptEventType.saved) {
    const d = event.data as ScriptSavedData;
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
    const d = event.data as ScriptStagingSavedData;
    return { ...state, branches: { ...state.branches, [d.branch]: { staging: d.text, release: state.branches[d.branch]?.release ?? null } } };
  }
  if (event.type === ScriptEventType.released && state) {
    const code = state.branches[(event.data as ScriptReleasedData).branch];
    return code ? { ...state, branches: { ...state.branches, [(event.data as ScriptReleasedData).branch]: { ...code, release: code.staging } } } : state;
  }
  if (event.type === ScriptEventType.deleted && state) return { ...state, deleted: true };
  return state;
}

export const foldScript = (events: readonly DomainEvent[]): ScriptState | null => events.reduce(applyScriptEvent, null);
