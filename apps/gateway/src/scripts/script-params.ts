import { validationFailed } from '@agentry/contracts';
import type { RawParams } from '../http/params.decorator.js';

/**
 * `text` is read apart from the other strings: an empty text is a real (empty) script, not a
 * missing parameter, so an upload of an empty file empties the script instead of keeping the old text.
 */
export function readScriptText(p: RawParams, field: 'text' | 'code' = 'text'): string | undefined {
  const text = p[field];
  if (text === undefined || text === null) return undefined;
  if (typeof text !== 'string') throw validationFailed([{ field, message: 'must be a string' }]);
  return text;
}

export type ScriptMode = 'json' | 'raw';

export function readScriptMode(p: RawParams): ScriptMode {
  const mode = p['mode'];
  if (mode === 'json' || mode === 'raw') return mode;
  throw validationFailed([{ field: 'mode', message: 'must be json or raw' }]);
}
