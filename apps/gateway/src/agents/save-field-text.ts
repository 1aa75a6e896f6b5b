import { validationFailed, type FieldError } from '@agentry/contracts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../http/request-text.js';

/**
 * How an `agents/save` field written as text (query string, form body) becomes the value a JSON body would
 * carry. Fields not listed are read as text by the registry anyway (names, enums, ids "12", the schedule's
 * JSON text, `repeatedLaunchPreset`). Old names (`maxParallelExecs`, `maxRetries`) decode like the new ones.
 */
type TextForm =
  /** "30" → 30. */
  | 'number'
  /** "true"/"1" → true, "false"/"0" → false. */
  | 'boolean'
  /** A JSON array's text, or a comma-separated list. */
  | 'list'
  /** A list, or "all". */
  | 'exitCodes'
  /** A JSON object's text, parsed here (the registry takes only objects for these). */
  | 'object'
  /** JSON text the registry parses itself for every client: only "" (clear) is decoded here. */
  | 'jsonText';

const TEXT_FORMS: Readonly<Record<string, TextForm>> = {
  executionTimeLimit: 'number',
  maxParallelism: 'number',
  maxParallelExecs: 'number',
  maxRetryNumber: 'number',
  maxRetries: 'number',
  fileMgmtMaxFolders: 'number',
  launchOnceAt: 'number',
  masterAgentLaunchAfter: 'number',
  expireAt: 'number',
  applyScriptManifestDefaultSettings: 'boolean',
  wasSetupValidWhenSubmittedByTheFrontend: 'boolean',
  shouldPropagateUpdatedSettingsToWorkersRegardlessOfSessionType: 'boolean',
  tags: 'list',
  masterAgentLaunchOnExitCodes: 'exitCodes',
  repeatedLaunchTimes: 'object',
  notifications: 'object',
  userCustomMetadata: 'object',
  internalMetadata: 'object',
  squidLeaseIdentifier: 'object',
  argument: 'jsonText',
  agentObject: 'jsonText',
  credentials: 'jsonText',
};

/** Same words the registry uses for JSON text it cannot parse. */
export const NOT_JSON = 'must be valid JSON (an object, or a string holding JSON text)';

const TOO_DEEP = `nests deeper than ${MAX_JSON_DEPTH} levels`;
const NOT_PARSED = Symbol('not parsed');

/** JSON text parsed, or NOT_PARSED; text nesting deeper than a JSON body may is never parsed (the stack, see MAX_JSON_DEPTH). */
function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_PARSED;
  }
}

/**
 * One field's text decoded, or the problem with it. A value that does not decode is passed on as it came
 * (the registry then says what the field must be, in the same words as for a JSON body); only JSON text of
 * an object field that does not parse is refused here, as the registry would have worded it.
 */
function decodeField(form: TextForm, text: string): { value: unknown } | { problem: string } {
  if (text === '') return { value: null };
  switch (form) {
    case 'number': {
      const n = text.trim() === '' ? NaN : Number(text);
      return { value: Number.isNaN(n) ? text : n };
    }
    case 'boolean':
      return { value: text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : text };
    case 'exitCodes':
      if (text === 'all') return { value: text };
      return decodeField('list', text);
    case 'list': {
      if (!text.trim().startsWith('[')) return { value: text.split(',').map((s) => s.trim()) };
      if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return { problem: TOO_DEEP };
      const parsed = parseJsonText(text);
      return { value: Array.isArray(parsed) ? parsed : text };
    }
    case 'object': {
      if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return { problem: TOO_DEEP };
      const parsed = parseJsonText(text);
      return parsed === NOT_PARSED ? { problem: NOT_JSON } : { value: parsed };
    }
    case 'jsonText':
      return { value: text };
  }
}

/**
 * The `agents/save` fields with those that came as text (every one of a query string or form body; in a
 * JSON request, the query-string ones) decoded into typed values, so the registry reads one encoding: JSON.
 * Throws VALIDATION_FAILED naming each object field whose text is not JSON.
 */
export function decodeSaveFields(fields: Record<string, unknown>, textFields: Iterable<string>): Record<string, unknown> {
  const decoded = { ...fields };
  const problems: FieldError[] = [];
  for (const field of textFields) {
    const form = Object.hasOwn(TEXT_FORMS, field) ? TEXT_FORMS[field] : undefined;
    const value = decoded[field];
    if (!form || typeof value !== 'string') continue;
    const result = decodeField(form, value);
    if ('problem' in result) problems.push({ field, message: result.problem });
    else decoded[field] = result.value;
  }
  if (problems.length) throw validationFailed(problems);
  return decoded;
}
