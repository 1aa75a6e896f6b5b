import { ScriptEventType, type ScriptSavedData } from '@agentry/contracts';

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
    };
  }
  if (event.type === ScriptEventType.deleted && state) return { ...state, deleted: true };
  return state;
}

export const foldScript = (events: readonly DomainEvent[]): ScriptState | null => events.reduce(applyScriptEvent, null);
