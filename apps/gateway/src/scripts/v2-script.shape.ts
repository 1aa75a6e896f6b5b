import type { ScriptDto } from '@agentry/contracts';
import { toV2Id } from '../http/shapes.js';

/** v2 script record: string id, Unix ms; `text` only when asked for. */
export function v2Script(script: ScriptDto) {
  return {
    id: toV2Id(script.id),
    name: script.name,
    source: script.source,
    nonce: script.nonce,
    lastSaveDate: script.lastSaveDate,
    createdAt: script.createdAt,
    ...(script.text === undefined ? {} : { text: script.text }),
  };
}
