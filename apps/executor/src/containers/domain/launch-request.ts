import {
  CONTAINER_LAUNCH_TYPES,
  metadataErrors,
  validationFailed,
  type ContainerLaunchType,
  type FieldError,
  type LaunchAgentParams,
  type MetadataObject,
} from '@agentry/contracts';

/** Only node runs; the classic platform's browsers are refused by name. */
const UNSUPPORTED_COMMANDS = ['casperjs', 'phantomjs'];
/** The argument travels in events and in every run's start message: keep it reasonable. */
export const ARGUMENT_MAX_BYTES = 256 * 1024;
const IDEMPOTENCY_KEY_MAX = 200;
/** 2000-01-01 .. 3000-01-01 in ms (also catches seconds sent by mistake). */
const MS_RANGE = { min: 946_684_800_000, max: 32_503_680_000_000 };

/** A launch request, validated: every bad field is reported at once. */
export interface LaunchRequest {
  agentId: number;
  launchType: ContainerLaunchType;
  /** Parsed JSON value; undefined → the agent version's saved argument. */
  argument: unknown;
  /** Parsed JSON object merged over the argument. */
  bonusArgument: Record<string, unknown> | undefined;
  saveArgument: boolean;
  idempotencyKey: string | null;
  maxInstanceCount: number | null;
  notBefore: number | null;
  /** v2 launch metadata, kept on the container. */
  userCustomMetadata: MetadataObject | null;
  internalMetadata: MetadataObject | null;
}

export function parseLaunchRequest(params: LaunchAgentParams | undefined): LaunchRequest {
  const p = (params ?? {}) as Partial<LaunchAgentParams> & Record<string, unknown>;
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => {
    errors.push({ field, message });
    return undefined;
  };

  const agentId = positiveInt(p.agentId) ?? fail('agentId', 'must be a positive integer agent id');
  checkCommand(p.command, fail);
  const launchType = p.launchType ?? 'manual';
  if (!CONTAINER_LAUNCH_TYPES.includes(launchType) || launchType === 'retry') {
    fail('launchType', `must be one of ${CONTAINER_LAUNCH_TYPES.filter((t) => t !== 'retry').join(', ')}`);
  }
  const argument = p.argument === undefined || p.argument === null ? undefined : parseJson(p.argument, 'argument', fail);
  let bonusArgument: Record<string, unknown> | undefined;
  if (p.bonusArgument !== undefined && p.bonusArgument !== null) {
    const bonus = parseJson(p.bonusArgument, 'bonusArgument', fail);
    if (bonus !== undefined && !isPlainObject(bonus)) fail('bonusArgument', 'must be a JSON object');
    else bonusArgument = bonus as Record<string, unknown> | undefined;
  }
  const idempotencyKey = p.idempotencyKey ?? null;
  if (idempotencyKey !== null && (typeof idempotencyKey !== 'string' || idempotencyKey.length < 1 || idempotencyKey.length > IDEMPOTENCY_KEY_MAX)) {
    fail('idempotencyKey', `must be a text of 1 to ${IDEMPOTENCY_KEY_MAX} characters`);
  }
  const maxInstanceCount = p.maxInstanceCount ?? null;
  if (maxInstanceCount !== null && positiveInt(maxInstanceCount) === undefined) fail('maxInstanceCount', 'must be a positive integer');
  const notBefore = p.notBefore ?? null;
  if (notBefore !== null && !(typeof notBefore === 'number' && notBefore >= MS_RANGE.min && notBefore <= MS_RANGE.max)) {
    fail('notBefore', 'must be a Unix timestamp in milliseconds');
  }
  if (p.saveArgument !== undefined && typeof p.saveArgument !== 'boolean') fail('saveArgument', 'must be a boolean');
  const userCustomMetadata = parseMetadata(p.userCustomMetadata, 'userCustomMetadata', errors);
  const internalMetadata = parseMetadata(p.internalMetadata, 'internalMetadata', errors);

  if (errors.length) throw validationFailed(errors);
  return {
    agentId: agentId!,
    launchType,
    argument,
    bonusArgument,
    saveArgument: p.saveArgument === true,
    idempotencyKey,
    maxInstanceCount: maxInstanceCount === null ? null : Number(maxInstanceCount),
    notBefore,
    userCustomMetadata,
    internalMetadata,
  };
}

/** Launch metadata: absent or null → none; an object (or its JSON text) within the metadata bounds. */
function parseMetadata(value: unknown, field: string, errors: FieldError[]): MetadataObject | null {
  if (value === undefined || value === null) return null;
  const parsed = parseJson(value, field, (f, message) => void errors.push({ field: f, message }));
  if (parsed === undefined) return null;
  if (!isPlainObject(parsed)) {
    errors.push({ field, message: 'must be a JSON object of flat key-value pairs, e.g. {"campaign": "spring"}' });
    return null;
  }
  const problems = metadataErrors(field, parsed);
  errors.push(...problems);
  return problems.length === 0 ? (parsed as MetadataObject) : null;
}

function checkCommand(command: unknown, fail: (field: string, message: string) => void): void {
  if (command === undefined || command === null || command === '' || command === 'node') return;
  if (typeof command === 'string' && UNSUPPORTED_COMMANDS.includes(command)) fail('command', `${command} is not supported: only node runs`);
  else fail('command', 'must be node (casperjs and phantomjs are not supported)');
}

/**
 * What the script receives as `buster.argument`, as JSON text: the launch's argument (or the saved
 * one), with the bonus argument's keys set over it.
 */
export function effectiveArgument(launchArgument: unknown, savedArgument: unknown, bonus: Record<string, unknown> | undefined): string {
  let argument: unknown = launchArgument !== undefined ? launchArgument : (savedArgument ?? {});
  if (typeof argument === 'string' && launchArgument === undefined) argument = parseSavedText(argument);
  if (bonus) {
    if (!isPlainObject(argument)) throw validationFailed([{ field: 'bonusArgument', message: 'can only be merged into an object argument' }]);
    argument = { ...argument, ...bonus };
  }
  const text = JSON.stringify(argument);
  if (Buffer.byteLength(text, 'utf8') > ARGUMENT_MAX_BYTES) {
    throw validationFailed([{ field: 'argument', message: `must be at most ${ARGUMENT_MAX_BYTES} bytes of JSON` }]);
  }
  return text;
}

/** A saved argument given as JSON text (v2 clients send it so) is the value it spells; other text stays text. */
function parseSavedText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function parseJson(value: unknown, field: string, fail: (field: string, message: string) => undefined): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return fail(field, 'must be JSON (an object, or its JSON text)');
  }
}

function positiveInt(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
