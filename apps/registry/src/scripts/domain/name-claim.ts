import { ScriptEventType, type ScriptEvent } from '@agentry/contracts';

/** Which script holds a name in an org, folded from its `script_name-<orgId>-<name>` stream. */
export function foldNameHolder(events: readonly ScriptEvent[]): number | null {
  let holder: number | null = null;
  for (const event of events) {
    if (event.type === ScriptEventType.nameClaimed) holder = event.data.scriptId;
    else if (event.type === ScriptEventType.nameReleased) holder = null;
  }
  return holder;
}
