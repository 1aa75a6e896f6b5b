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

export function foldScript(events: readonly DomainEvent[]): ScriptState | null {
  let state: ScriptState | null = null;
  for (const event of events) {
    if (event.type === ScriptEventType.saved) {
      const d = event.data as ScriptSavedData;
      state = {
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
    } else if (event.type === ScriptEventType.deleted && state) {
      state = { ...state, deleted: true };
    }
  }
  return state;
}
