import { LIFECYCLE_EVENT_TYPES, type LifecycleEventType } from './types.js';

/**
 * The JSON Schema (draft-07) of each public event type, version 1: the envelope with that type's data.
 * `docs/events/<type>.v1.schema.json` are these objects written out (`npm run schemas -w @agentry/events`;
 * a test fails while the files differ). `additionalProperties` is left open on purpose: adding a field is
 * a compatible change, so a consumer validating with an older schema keeps accepting newer events.
 */
type JsonSchema = Record<string, unknown>;

const SCHEMA_BASE = 'https://agentry.dev/schemas/events';

const id = { type: 'string', pattern: '^[0-9]+$' };
const nullableId = { anyOf: [id, { type: 'null' }] };
const ms = { type: 'integer', minimum: 0 };
const nullableMs = { anyOf: [ms, { type: 'null' }] };
const duration = { anyOf: [{ type: 'integer' }, { type: 'null' }] };
const actor = { type: 'object', required: ['userId', 'keyId'], properties: { userId: id, keyId: id } };
const launchType = { enum: ['manual', 'user api call', 'scheduled once', 'scheduled repeatedly', 'scheduled after agent', 'retry'] };
const versionId = { anyOf: [{ type: 'string', minLength: 1 }, { type: 'null' }] };
const versionNumber = { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] };

const object = (properties: Record<string, unknown>, required = Object.keys(properties)): JsonSchema => ({ type: 'object', required, properties });

const agentChange = object({ at: ms, by: actor });

const dataSchemas: Record<LifecycleEventType, JsonSchema> = {
  'agent.created': object({ createdAt: ms, createdBy: actor }),
  'agent.saved': object({
    versionId: { type: 'string', minLength: 1 },
    versionNumber: { type: 'integer', minimum: 1 },
    reason: { enum: ['create', 'update', 'rollback'] },
    restoredFromVersionId: versionId,
    changedFields: { type: 'array', items: { type: 'string' } },
    name: { type: 'string' },
    savedAt: ms,
    savedBy: actor,
  }),
  'agent.retired': agentChange,
  'agent.reinstated': agentChange,
  'agent.deleted': agentChange,
  'container.queued': object({
    containerId: id,
    launchType,
    agentVersionId: versionId,
    agentVersionNumber: versionNumber,
    retryNumber: { type: 'integer', minimum: 0 },
    retryOfContainerId: nullableId,
    queuedAt: ms,
  }),
  'container.started': object({ containerId: id, startedAt: ms, queuedMs: duration }),
  'container.progress': object({
    containerId: id,
    progress: { type: 'number', minimum: 0, maximum: 1 },
    label: { anyOf: [{ type: 'string', maxLength: 50 }, { type: 'null' }] },
    at: ms,
  }),
  'container.ended': object({
    containerId: id,
    status: { enum: ['complete', 'failed', 'cancelled'] },
    endType: { enum: ['finished', 'killed', 'global timeout', 'org timeout', 'agent timeout', 'unknown', 'no log timeout'] },
    exitCode: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
    endMessage: { type: 'string' },
    launchFailed: { type: 'boolean' },
    launchType: { anyOf: [launchType, { type: 'null' }] },
    agentVersionId: versionId,
    agentVersionNumber: versionNumber,
    queuedAt: nullableMs,
    startedAt: nullableMs,
    endedAt: ms,
    durations: object({ queuedMs: duration, runMs: duration, totalMs: duration }),
    resultObject: { anyOf: [{ type: 'object' }, { type: 'array' }, { type: 'null' }] },
    hasResultObject: { type: 'boolean' },
    resultObjectPath: { type: 'string', pattern: '^/api/v2/containers/fetch-result-object\\?id=[0-9]+$' },
  }),
  'schedule.fired': object({ plannedAt: ms, firedAt: ms, containerId: id }),
  'schedule.skipped': object({ plannedAt: ms, firedAt: ms, reason: { type: 'string' } }),
  'schedule.missed': object({ plannedAt: ms, firedAt: ms }),
};

/** The file name of a type's schema in docs/events/. */
export const lifecycleSchemaFileName = (type: LifecycleEventType, version = 1): string => `${type}.v${version}.schema.json`;

/** The JSON Schema of one type (version 1). */
export function lifecycleEventSchema(type: LifecycleEventType): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${SCHEMA_BASE}/${lifecycleSchemaFileName(type)}`,
    title: `Agentry lifecycle event ${type} v1`,
    type: 'object',
    required: ['id', 'type', 'version', 'orgId', 'agentId', 'occurredAt', 'data'],
    properties: {
      id: { type: 'string', pattern: '^evt_[0-9a-f]{32}$', description: 'stable: the same for every delivery of this event' },
      type: { const: type },
      version: { const: 1 },
      orgId: id,
      agentId: id,
      occurredAt: ms,
      data: dataSchemas[type],
    },
  };
}

/** Every type's schema, by type. */
export const lifecycleEventSchemas = (): Record<LifecycleEventType, JsonSchema> =>
  Object.fromEntries(LIFECYCLE_EVENT_TYPES.map((type) => [type, lifecycleEventSchema(type)])) as Record<LifecycleEventType, JsonSchema>;
