import {
  AGENT_STAGES,
  ENVIRONMENTS,
  FILE_MGMT_TYPES,
  LaunchType,
  MISSED_RUN_POLICIES,
  PROXY_TYPES,
  validationFailed,
  type AgentSettings,
} from '@agentry/contracts';
import { ABSENT, FieldReader, isPlainObject, type Maybe } from './validation/field-reader.js';
import { parseSchedule } from './validation/schedule.js';
import { expandPreset, parsePresetName, parseRepeatedLaunchTimes } from './validation/repeated-launch.js';
import { isHttpUrl, parseNotifications } from './validation/notifications.js';
import { parseMetadata } from './validation/metadata.js';

const NAME_MAX_LENGTH = 100;
const MAX_ID = Number.MAX_SAFE_INTEGER;
/** 2000-01-01 .. 3000-01-01 in ms: also catches timestamps sent in seconds. */
const MS_TIMESTAMP = { min: 946_684_800_000, max: 32_503_680_000_000, integer: true, what: 'a Unix timestamp in milliseconds' };
const MAX_TAGS = 50;

/** The script binding asked for: by id, by name (in `org`), both (must agree), or cleared (`null`). */
export interface ScriptRef {
  id?: number;
  name?: string;
}

/** Write-only secrets in plain text, as sent. They are sealed before entering any event and never logged. */
export interface PlainSecretsPatch {
  proxyPassword?: string | null;
  /** JSON text of the credentials object. */
  credentials?: string | null;
}

/** A validated `agents/save` request. Absent fields are absent from `patch` (an update keeps them). */
export interface ParsedSaveInput {
  id: number | null;
  org: number | null;
  idempotencyKey: string | null;
  script: ScriptRef | null | undefined;
  patch: Partial<Omit<AgentSettings, 'scriptId'>>;
  secrets: PlainSecretsPatch;
  /** JSON text of the agent's object; `null` clears it. */
  agentObject: string | null | undefined;
}

/** Old names existing v2 clients read from `agents/fetch` and may send back (clone). */
const ALIASES: Record<string, string> = { maxParallelExecs: 'maxParallelism', maxRetries: 'maxRetryNumber' };

/**
 * Validates every `agents/save` field (v2 names, plus versioned-agents API and agents API fields) and throws one
 * VALIDATION_FAILED naming each bad field. Unknown fields are ignored, so the record answered
 * by `agents/fetch` can be posted back as is (clone).
 */
export function parseSaveInput(fields: Record<string, unknown>): ParsedSaveInput {
  const r = new FieldReader(withAliases(fields));
  const patch: ParsedSaveInput['patch'] = {};
  const set = <K extends keyof ParsedSaveInput['patch']>(key: K, value: Maybe<ParsedSaveInput['patch'][K]>) => {
    if (value !== ABSENT) patch[key] = value;
  };

  const id = readId(r, 'id');
  const org = readId(r, 'org');
  const idempotencyKey = r.string('idempotencyKey', { min: 1, max: 200 });
  if (id !== ABSENT && id !== null && idempotencyKey !== ABSENT && idempotencyKey !== null) {
    r.fail('idempotencyKey', 'is only accepted when creating an agent (without "id")');
  }

  set('name', readName(r));
  set('branch', r.string('branch', { min: 1, max: 100 }));
  set('environment', r.enumValue('environment', ENVIRONMENTS));
  set('argument', r.jsonValue('argument', true));
  set('executionTimeLimit', r.number('executionTimeLimit', { min: 1, max: 86_400, integer: true, what: 'an integer number of seconds' }));
  set('maxParallelism', r.number('maxParallelism', { min: 1, max: 100, integer: true }));
  set('maxRetryNumber', r.number('maxRetryNumber', { min: 0, max: 10, integer: true }));
  set('fileMgmt', r.enumValue('fileMgmt', FILE_MGMT_TYPES));
  set('fileMgmtMaxFolders', r.number('fileMgmtMaxFolders', { min: 1, max: 1000, integer: true }));
  set('launchType', nonNull(r, 'launchType', r.enumValue('launchType', Object.values(LaunchType))));
  set('launchOnceAt', r.number('launchOnceAt', MS_TIMESTAMP));
  set('launchAfterAgentId', readId(r, 'launchAfterAgentId'));
  set('masterAgentLaunchOnExitCodes', readExitCodes(r));
  set('masterAgentLaunchAfter', r.number('masterAgentLaunchAfter', { min: 0, max: 86_400, integer: true, what: 'an integer number of seconds' }));
  readRepeatedLaunch(r, patch);
  set(
    'notifications',
    parseObject(r, 'notifications', (o) => parseNotifications(r, o)),
  );
  set('proxyType', readProxyType(r));
  set('proxyAddress', r.string('proxyAddress', { min: 1, max: 500 }));
  set('proxyUsername', r.string('proxyUsername', { max: 200 }));
  set('squidLeaseIdentifier', r.object('squidLeaseIdentifier'));
  set('expireAt', r.number('expireAt', MS_TIMESTAMP));
  set('missedRunPolicy', nonNull(r, 'missedRunPolicy', r.enumValue('missedRunPolicy', MISSED_RUN_POLICIES)));
  set('applyScriptManifestDefaultSettings', nonNullBoolean(r, 'applyScriptManifestDefaultSettings'));
  set(
    'userCustomMetadata',
    parseObject(r, 'userCustomMetadata', (o) => parseMetadata(r, 'userCustomMetadata', o)),
  );
  set(
    'internalMetadata',
    parseObject(r, 'internalMetadata', (o) => parseMetadata(r, 'internalMetadata', o)),
  );
  set('wasSetupValidWhenSubmittedByTheFrontend', r.boolean('wasSetupValidWhenSubmittedByTheFrontend'));
  set('shouldPropagateUpdatedSettingsToWorkersRegardlessOfSessionType', r.boolean('shouldPropagateUpdatedSettingsToWorkersRegardlessOfSessionType'));
  set('baseUrl', readBaseUrl(r));
  set('content', r.string('content', { max: 100_000 }));
  set('schedule', readSchedule(r));
  launchTypeFollowingSchedule(r, patch);
  set('tags', readTags(r));
  set('stage', nonNull(r, 'stage', r.enumValue('stage', AGENT_STAGES)));
  set('description', r.string('description', { max: 2000 }));

  const script = readScriptRef(r);
  const secrets = readSecrets(r);
  const agentObject = readAgentObject(r);

  if (r.errors.length) throw validationFailed(r.errors);
  return {
    id: id === ABSENT ? null : id,
    org: org === ABSENT ? null : org,
    idempotencyKey: idempotencyKey === ABSENT ? null : idempotencyKey,
    script,
    patch,
    secrets,
    agentObject: agentObject === ABSENT ? undefined : agentObject,
  };
}

function withAliases(fields: Record<string, unknown>): Record<string, unknown> {
  const out = { ...fields };
  for (const [alias, name] of Object.entries(ALIASES)) {
    if (out[name] === undefined && out[alias] !== undefined) out[name] = out[alias];
  }
  return out;
}

/** Ids are numbers on the wire for v1 and strings for v2: accept both spellings of a positive integer. */
function readId(r: FieldReader, field: string): Maybe<number | null> {
  const value = r.raw(field);
  if (value === undefined) return ABSENT;
  if (value === null || value === '') return null;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_ID) {
    return r.fail(field, 'must be a positive integer id (a number or a string of digits)');
  }
  return n;
}

function nonNull<T>(r: FieldReader, field: string, value: Maybe<T | null>): Maybe<T> {
  return value === null ? r.fail(field, 'must not be null; leave it out to keep the current value') : value;
}

function nonNullBoolean(r: FieldReader, field: string): Maybe<boolean> {
  return nonNull(r, field, r.boolean(field));
}

function readName(r: FieldReader): Maybe<string> {
  const name = r.string('name', { min: 1, max: NAME_MAX_LENGTH });
  if (name === ABSENT) return ABSENT;
  if (name === null || name.trim() === '') return r.fail('name', `must be a non-empty string of at most ${NAME_MAX_LENGTH} characters`);
  return name.trim();
}

function parseObject<T>(r: FieldReader, field: string, parse: (o: Record<string, unknown>) => Maybe<T>): Maybe<T | null> {
  const value = r.object(field);
  if (value === ABSENT || value === null) return value;
  return parse(value);
}

function readExitCodes(r: FieldReader): Maybe<number[] | 'all' | null> {
  const field = 'masterAgentLaunchOnExitCodes';
  if (r.raw(field) === 'all') return 'all';
  const list = r.array(field);
  if (list === ABSENT || list === null) return list;
  const codes = list.map((c) => (typeof c === 'string' && /^\d+$/.test(c) ? Number(c) : c));
  if (!codes.every((c) => Number.isInteger(c) && (c as number) >= 0 && (c as number) <= 255)) {
    return r.fail(field, 'must be "all" or an array of exit codes (integers between 0 and 255)');
  }
  return [...new Set(codes as number[])].sort((a, b) => a - b);
}

/** `repeatedLaunchPreset` expands into `repeatedLaunchTimes` (in the given times' timezone, else UTC). */
function readRepeatedLaunch(r: FieldReader, patch: ParsedSaveInput['patch']): void {
  const times = parseObject(r, 'repeatedLaunchTimes', (o) => parseRepeatedLaunchTimes(r, o));
  if (times !== ABSENT) patch.repeatedLaunchTimes = times;

  const presetValue = r.raw('repeatedLaunchPreset');
  if (presetValue === undefined) return;
  if (presetValue === null || presetValue === '') {
    patch.repeatedLaunchPreset = null;
    return;
  }
  const preset = parsePresetName(r, 'repeatedLaunchPreset', presetValue);
  if (preset === ABSENT) return;
  patch.repeatedLaunchPreset = preset;
  patch.repeatedLaunchTimes = expandPreset(preset, times !== ABSENT && times !== null ? times.timezone : 'UTC');
}

/**
 * `pool` and `squid lease` are v2 names of proxies this platform does not provide: stored, they
 * would send the agent's runs out with no proxy at all, which its owner chose them to avoid.
 * Refused at save instead (agents stored before keep them; their runs get no proxy, as documented).
 */
function readProxyType(r: FieldReader): Maybe<AgentSettings['proxyType']> {
  const value = nonNull(r, 'proxyType', r.enumValue('proxyType', PROXY_TYPES));
  if (value !== 'pool' && value !== 'squid lease') return value;
  return r.fail(
    'proxyType',
    `is "${value}", which this platform does not provide, so runs would go out with no proxy: use "http" with proxyAddress, or "none"`,
  );
}

function readBaseUrl(r: FieldReader): Maybe<string | null> {
  const value = r.raw('baseUrl');
  if (value === undefined || value === null) return value === null ? null : ABSENT;
  return isHttpUrl(value) ? value : r.fail('baseUrl', 'must be an http(s) URL of at most 2048 characters, e.g. "https://example.com"');
}

function readSchedule(r: FieldReader): Maybe<AgentSettings['schedule']> {
  const value = r.raw('schedule');
  if (value === undefined) return ABSENT;
  if (value === null || value === '') return null;
  return parseSchedule(r, value);
}

/**
 * A `schedule` says when the agent runs, so it sets the launch type when the request names none:
 * ONCE → "once", `times: []` → "manually", any other → "repeatedly" (what the agents API,
 * `/v1/agents`, always did). Without this a v2 save with a recurring schedule kept "manually" and
 * never fired. A launch type sent with it that would keep the schedule from firing (or a timed
 * launch type beside a manual schedule) is refused: never stored as a silent no-op.
 */
function launchTypeFollowingSchedule(r: FieldReader, patch: ParsedSaveInput['patch']): void {
  const schedule = patch.schedule;
  if (!schedule) return;
  const implied = schedule.mode === 'ONCE' ? LaunchType.once : schedule.kind === 'manual' ? LaunchType.manually : LaunchType.repeatedly;
  if (r.raw('launchType') === undefined) {
    patch.launchType = implied;
    return;
  }
  const sent = patch.launchType;
  if (sent === undefined || sent === implied || (implied === LaunchType.manually && sent === LaunchType.afterAgent)) return;
  const what = implied === LaunchType.manually ? 'manual-only (times: [])' : implied === LaunchType.once ? 'one-time (mode "ONCE")' : 'recurring';
  r.fail(
    'launchType',
    `is "${sent}" but "schedule" is a ${what} schedule, which would then never run as set: send launchType "${implied}" or leave launchType out`,
  );
}

function readTags(r: FieldReader): Maybe<number[]> {
  const list = r.array('tags');
  if (list === ABSENT || list === null) return list === null ? [] : ABSENT;
  const ids = list.map((t) => (typeof t === 'string' && /^\d+$/.test(t) ? Number(t) : t));
  if (!ids.every((t) => Number.isInteger(t) && (t as number) > 0)) return r.fail('tags', 'must be an array of tag ids (positive integers)');
  const unique = [...new Set(ids as number[])];
  if (unique.length > MAX_TAGS) return r.fail('tags', `must list at most ${MAX_TAGS} tags`);
  return unique.sort((a, b) => a - b);
}

function readScriptRef(r: FieldReader): ScriptRef | null | undefined {
  const id = readId(r, 'scriptId');
  const name = r.string('script', { min: 1, max: 100 });
  if (id === ABSENT && name === ABSENT) return undefined;
  if ((id === null || id === ABSENT) && (name === null || name === ABSENT)) {
    return id === null || name === null ? null : undefined;
  }
  const ref: ScriptRef = {};
  if (id !== ABSENT && id !== null) ref.id = id;
  if (name !== ABSENT && name !== null) ref.name = name;
  return ref;
}

function readSecrets(r: FieldReader): PlainSecretsPatch {
  const secrets: PlainSecretsPatch = {};
  const password = r.string('proxyPassword', { max: 500 });
  if (password !== ABSENT) secrets.proxyPassword = password === '' ? null : password;

  const credentials = r.object('credentials', { acceptJsonText: true });
  if (credentials === null) secrets.credentials = null;
  else if (credentials !== ABSENT) {
    const valid = Object.keys(credentials).length <= 20 && Object.values(credentials).every((v) => typeof v === 'string' && v.length <= 2000);
    if (valid) secrets.credentials = JSON.stringify(credentials);
    else r.fail('credentials', 'must be an object of at most 20 string values, e.g. {"username": "…", "password": "…"}');
  }
  return secrets;
}

function readAgentObject(r: FieldReader): Maybe<string | null> {
  const value = r.jsonValue('agentObject', true);
  if (value === ABSENT || value === null) return value;
  if (!isPlainObject(value)) return r.fail('agentObject', 'must be a JSON object or its JSON text, e.g. "{\\"key\\": 1}"');
  return JSON.stringify(value);
}
