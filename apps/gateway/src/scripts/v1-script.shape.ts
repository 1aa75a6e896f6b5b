import type { ScriptDto } from '@agentry/contracts';
import { toV1Time } from '../http/shapes.js';

/**
 * The v1 API's script record. `url` and `httpHeaders` belong to URL-fetched scripts, which this
 * platform does not have: they are always empty. PhantomBuster shows `url: null` in single records and
 * `url: ""` in the list; each endpoint answers its own sample's form (both are falsy for clients).
 */
export function v1ScriptRecord(script: ScriptDto) {
  return {
    id: script.id,
    name: script.name,
    source: script.source,
    url: null,
    ...(script.text === undefined ? {} : { text: script.text }),
    httpHeaders: null,
    lastSaveDate: toV1Time(script.lastSaveDate),
    nonce: script.nonce,
  };
}

/** One entry of `GET /api/v1/scripts.json` (never any text). */
export function v1ScriptListEntry(script: ScriptDto) {
  return {
    id: script.id,
    name: script.name,
    source: script.source,
    url: '',
    httpHeaders: null,
    lastSaveDate: toV1Time(script.lastSaveDate),
    nonce: script.nonce,
  };
}
