import { validationFailed, type LaunchAgentParams } from '@agentry/contracts';
import type { FastifyRequest } from 'fastify';
import { readFlag, readId, readLooseBool, readInt, readString } from '../http/coerce.js';
import type { RawParams } from '../http/params.decorator.js';

export const V1_OUTPUT_MODES = ['json', 'result-object', 'first-result-object', 'result-object-with-output', 'event-stream', 'raw'] as const;
export type V1OutputMode = (typeof V1_OUTPUT_MODES)[number];

/** The v1 API lists three commands; the executor refuses all but `node` with a clear message. */
const V1_COMMANDS = ['casperjs', 'phantomjs', 'node'];

const IDEMPOTENCY_KEY_MAX = 200;

/**
 * A launch argument: an object, or JSON text (checked here so a typo answers 400 naming the
 * field; the executor parses it).
 */
export function readArgument(p: RawParams, field: string): unknown {
  const value = p[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'object') return value;
  if (typeof value !== 'string') throw validationFailed([{ field, message: 'must be JSON text or an object, e.g. {"key": 1}' }]);
  try {
    JSON.parse(value);
  } catch {
    throw validationFailed([{ field, message: 'must be valid JSON, e.g. {"key": 1}' }]);
  }
  return value;
}

/** `Idempotency-Key` header, else the `idempotencyKey` parameter. */
export function readIdempotencyKey(request: FastifyRequest, p: RawParams): string | undefined {
  const header = request.headers['idempotency-key'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && value !== '') {
    if (value.length > IDEMPOTENCY_KEY_MAX)
      throw validationFailed([{ field: 'Idempotency-Key', message: `must be at most ${IDEMPOTENCY_KEY_MAX} characters` }]);
    return value;
  }
  return readString(p, 'idempotencyKey', { maxLength: IDEMPOTENCY_KEY_MAX });
}

function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw validationFailed([{ field, message: `must be one of: ${allowed.join(', ')}` }]);
  }
  return value as T;
}

export interface V1Launch {
  params: LaunchAgentParams;
  output: V1OutputMode;
}

/**
 * `POST|GET /api/v1/agent/{id}/launch`. The v1 API: `command` and `argument` go together — when
 * either is given the saved launch options are ignored (a missing argument is `{}`), when neither
 * is the saved ones are used; `saveLaunchOptions` saves the given ones as the agent's defaults.
 */
export function readV1Launch(request: FastifyRequest, p: RawParams): V1Launch {
  const agentId = readId(p, 'id')!;
  const output = oneOf('output', readString(p, 'output') ?? 'json', V1_OUTPUT_MODES);
  const commandText = readString(p, 'command');
  const command = commandText === undefined ? undefined : oneOf('command', commandText, V1_COMMANDS);
  const argument = readArgument(p, 'argument');
  const params: LaunchAgentParams = { agentId, launchType: 'user api call' };
  if (command !== undefined || argument !== undefined) {
    params.argument = argument ?? {};
    if (command !== undefined) params.command = command;
    if (readFlag(p, 'saveLaunchOptions')) params.saveArgument = true;
  }
  const idempotencyKey = readIdempotencyKey(request, p);
  if (idempotencyKey !== undefined) params.idempotencyKey = idempotencyKey;
  return { params, output };
}

/**
 * v2 `agents/launch` and `launch-sync`: `{id, argument|arguments, bonusArgument,
 * saveArgument|saveArguments, manualLaunch, maxInstanceCount, userCustomMetadata, internalMetadata}`. The booleans are read liberally
 * (`"true"`, `1`, `"2"`, `"yes"` are true; `"false"`, `"0"`, `"no"`, empty are false; other text is
 * a 400): real clients send them as text and numbers.
 */
export function readV2Launch(request: FastifyRequest, p: RawParams): LaunchAgentParams {
  const params: LaunchAgentParams = {
    agentId: readId(p, 'id')!,
    launchType: readLooseBool(p, 'manualLaunch') ? 'manual' : 'user api call',
  };
  const argumentField = p['argument'] !== undefined ? 'argument' : 'arguments';
  const argument = readArgument(p, argumentField);
  if (argument !== undefined) params.argument = argument;
  const bonusArgument = readArgument(p, 'bonusArgument');
  if (bonusArgument !== undefined) params.bonusArgument = bonusArgument;
  if (readLooseBool(p, 'saveArgument') ?? readLooseBool(p, 'saveArguments')) params.saveArgument = true;
  const maxInstanceCount = readInt(p, 'maxInstanceCount', { min: 1 });
  if (maxInstanceCount !== undefined) params.maxInstanceCount = maxInstanceCount;
  const idempotencyKey = readIdempotencyKey(request, p);
  if (idempotencyKey !== undefined) params.idempotencyKey = idempotencyKey;
  // Kept on the container; the executor checks their bounds (400 naming the field or `field.key`).
  for (const field of ['userCustomMetadata', 'internalMetadata'] as const) {
    if (p[field] !== undefined && p[field] !== null && p[field] !== '') params[field] = p[field];
  }
  return params;
}

/** The agents API `POST /v1/agents/:agentId/execute`: an API call, with an optional argument. */
export function readExternalExecute(request: FastifyRequest, p: RawParams): LaunchAgentParams {
  const params: LaunchAgentParams = { agentId: readId(p, 'agentId')!, launchType: 'user api call' };
  const argument = readArgument(p, 'argument');
  if (argument !== undefined) params.argument = argument;
  const idempotencyKey = readIdempotencyKey(request, p);
  if (idempotencyKey !== undefined) params.idempotencyKey = idempotencyKey;
  return params;
}

/** SSE resume point: the byte offset in `Last-Event-ID`. */
export function readLastEventId(request: FastifyRequest): number | undefined {
  const header = request.headers['last-event-id'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return undefined;
  return readInt({ 'Last-Event-ID': value }, 'Last-Event-ID', { min: 0 });
}
