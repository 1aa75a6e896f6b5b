import { ScriptEventType, type ScriptNameClaimData } from '@agentry/contracts';
import type { DomainEvent } from './script.js';

/** Which script holds a name in an org, folded from its `script_name-<orgId>-<name>` stream. */
export function foldNameHolder(events: readonly DomainEvent[]): number | null {
  let holder: number | null = null;
  for (const event of events) {
    if (event.type === ScriptEventType.nameClaimed) holder = (event.data as ScriptNameClaimData).scriptId;
    else if (event.type === ScriptEventType.nameReleased) holder = null;
  }
  return holder;
}
