import { V2_ANSWERS } from '../conformance/v2-schemas.js';

/**
 * Every route the gateway serves, described once: its parameters, body and answer as JSON Schemas.
 * The OpenAPI document (`openapi-document.ts`) is built from this list and nothing else, and
 * `openapi.int.test.ts` fails when a route Fastify registered is missing here (or listed here but
 * not registered), so the document cannot drift from the code without a red test.
 *
 * The v2 answers are the ones the conformance suite already checks (`V2_ANSWERS`, written from
 * PhantomBuster's document); the others are written here from the shapes the controllers return.
 * Objects stay open (no `additionalProperties: false`), like the conformance schemas: a field
 * added to an answer is not a breaking change for a client.
 */
export type Schema = Record<string, unknown>;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  method: HttpMethod;
  /** Fastify's spelling of the path (`:id`, `*`), as the controller registers it. */
  path: string;
  /** Stable name: the client's method is generated from it. */
  operationId: string;
  summary: string;
  tag: Tag;
  /** Query-string parameters (a v2 POST reads the same names from its JSON body). */
  query?: Record<string, Schema & { required?: boolean }>;
  body?: Schema;
  /** Status → schema, or a text kind (`text`, `sse`, `ndjson`, `csv`); `{json, also}` when the request picks one. */
  responses: Record<number, Answer>;
  /** No API key needed (health checks, the document itself). */
  public?: boolean;
}

/** A streamed or non-JSON answer, by its content type (`openapi-document.ts › CONTENT_TYPES`). */
export type TextKind = 'text' | 'sse' | 'ndjson' | 'csv' | 'html' | 'javascript';
export type Answer = Schema | TextKind | 'empty' | 'binary' | { json: Schema; also: TextKind[] };

export type Tag =
  | 'agents (v2)'
  | 'containers (v2)'
  | 'scripts (v2)'
  | 'branches (v2)'
  | 'orgs (v2)'
  | 'v1'
  | 'agents API'
  | 'webhooks'
  | 'health'
  | 'out of scope'
  | 'document';

const str: Schema = { type: 'string' };
const num: Schema = { type: 'number' };
const int: Schema = { type: 'integer' };
const bool: Schema = { type: 'boolean' };
const anyObject: Schema = { type: 'object' };
const anyJson: Schema = {};
/** A JSON object of any keys (typed `Record<string, unknown>` in the client, not `{}`). */
const openObject: Schema = { type: 'object', additionalProperties: true };
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
const object = (required: string[], properties: Record<string, Schema>): Schema => ({ type: 'object', required, properties });
/** Ids are digits in a string on the v2 API; numbers are accepted in requests. */
const id: Schema = { type: ['string', 'integer'], description: 'an id (digits)' };
const required = (schema: Schema) => ({ ...schema, required: true });
/** The `with*` flags are read liberally (`1`, `true`, `yes`…). */
const flag: Schema = { type: ['boolean', 'string', 'integer'] };

const v2 = (key: string): Schema => {
  const schema = V2_ANSWERS[key];
  if (!schema) throw new Error(`route-catalog: no conformance schema named ${key}`);
  return schema;
};

/**
 * A copy of an object schema where `fields` may also be null. The gateway answers `endType` and
 * `endedAt` as null while a container has not ended; PhantomBuster's document types them as a
 * string and a number only (the conformance suite checks ended containers). The document says
 * what Agentry does.
 */
function allowNull(schema: Schema, fields: string[]): Schema {
  const properties = { ...(schema['properties'] as Record<string, Schema>) };
  for (const field of fields) properties[field] = { anyOf: [properties[field]!, { type: 'null' }] };
  return { ...schema, properties };
}
const UNTIL_ENDED = ['endType', 'endedAt'];
const container = allowNull(v2('GET containers/fetch'), UNTIL_ENDED);
const containerList = (() => {
  const list = v2('GET containers/fetch-all');
  const containers = (list['properties'] as Record<string, Schema>)['containers']!;
  return {
    ...list,
    properties: { ...(list['properties'] as object), containers: { ...containers, items: allowNull(containers['items'] as Schema, UNTIL_ENDED) } },
  };
})();

const v2Agent = v2('GET agents/fetch');
const agentVersion = object(['versionId', 'versionNumber', 'agentId', 'current', 'savedAt', 'settings'], {
  versionId: str,
  versionNumber: int,
  agentId: str,
  current: bool,
  reason: str,
  restoredFromVersionId: nullable(str),
  changedFields: arrayOf(str),
  savedAt: num,
  savedBy: object([], { userId: nullable(str), keyId: nullable(str) }),
  settings: anyObject,
});
const apiKey = object(['id', 'name', 'roles', 'prefix', 'createdAt', 'revoked'], {
  id: str,
  name: nullable(str),
  roles: arrayOf(str),
  platformAdmin: bool,
  /** `ak_<prefix>` of a generated key; null for a chosen one (the bootstrap key). */
  prefix: nullable(str),
  userId: nullable(str),
  createdAt: num,
  revokedAt: nullable(num),
  revoked: bool,
});
const tag = object(['id', 'name'], { id: str, name: str, createdAt: num });
const v1Success = (data: Schema): Schema => object(['status'], { status: { const: 'success' }, data });
const webhookEndpoint = object(['id', 'url'], { id: str, url: str, eventTypes: arrayOf(str), description: nullable(str), enabled: bool });
const delivery = anyObject;
const health = object(['status'], { status: str, checks: anyObject });

const V1_AGENT_SAVED = object(['status', 'details'], { status: { const: 'success' }, details: anyObject });
const V1_OUTPUT: Schema = { type: 'string', enum: ['json', 'result-object', 'first-result-object', 'result-object-with-output', 'event-stream', 'raw'] };

/** The v2 launch arguments (also read from the query string). */
const v2LaunchBody = object([], {
  id: id,
  argument: { anyOf: [openObject, str] },
  bonusArgument: { anyOf: [openObject, str] },
  saveArgument: flag,
  manualLaunch: flag,
});

/** The error answers, one shape per API generation (`apps/gateway/src/http/error-shapes.ts`). */
export const ERROR_SCHEMAS: Record<'v1' | 'v1-agent' | 'v2' | 'external', Schema> = {
  v2: object(['status', 'error', 'message'], {
    status: { const: 'error' },
    error: str,
    message: str,
    details: arrayOf(object(['field', 'message'], { field: str, message: str })),
  }),
  v1: object(['status', 'message'], { status: { const: 'error' }, message: str, code: str, data: anyObject }),
  'v1-agent': object(['status', 'code', 'message'], {
    status: { const: 'error' },
    code: str,
    message: str,
    errors: { type: 'object', additionalProperties: arrayOf(str) },
  }),
  external: object(['error'], { error: str, details: arrayOf(object(['field', 'message'], { field: str, message: str })) }),
};

/**
 * Schemas the document names in `components.schemas` and refers to (`$ref`) wherever the same
 * object is used: the document stays small, and the generated client types get readable names.
 */
export const NAMED_SCHEMAS: Record<string, Schema> = {
  V2Error: ERROR_SCHEMAS.v2,
  V1Error: ERROR_SCHEMAS.v1,
  V1AgentError: ERROR_SCHEMAS['v1-agent'],
  AgentsApiError: ERROR_SCHEMAS.external,
  Agent: v2Agent,
  AgentVersion: agentVersion,
  ApiKey: apiKey,
  Tag: tag,
  WebhookEndpoint: webhookEndpoint,
  Container: container,
  ListedAgents: v2('GET agents/fetch-all'),
  Script: v2('GET scripts/fetch'),
  Org: v2('GET orgs/fetch'),
  AgentOutput: v2('GET agents/fetch-output'),
  LaunchArguments: v2LaunchBody,
  Health: health,
};

const outOfScope = (path: string): RouteSpec[] =>
  (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as HttpMethod[]).map((method) => ({
    method,
    path,
    operationId: `outOfScope${method[0]}${method.slice(1).toLowerCase()}${path.replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: 'A PhantomBuster feature Agentry does not offer (docs/api/conformance.md): always 501',
    tag: 'out of scope',
    responses: { 501: ERROR_SCHEMAS.v2 },
  }));

export const ROUTES: RouteSpec[] = [
  // ── health and the document ──────────────────────────────────────────────────────────────────
  { method: 'GET', path: '/livez', operationId: 'livez', summary: 'The process answers', tag: 'health', public: true, responses: { 200: health } },
  {
    method: 'GET',
    path: '/readyz',
    operationId: 'readyz',
    summary: 'Ready: NATS and the services it asks answer',
    tag: 'health',
    public: true,
    responses: { 200: health, 503: health },
  },
  { method: 'GET', path: '/health', operationId: 'health', summary: 'Alias of /readyz', tag: 'health', public: true, responses: { 200: health, 503: health } },
  {
    method: 'GET',
    path: '/api/openapi.json',
    operationId: 'openapiDocument',
    summary: 'This document',
    tag: 'document',
    public: true,
    responses: { 200: anyObject },
  },
  {
    method: 'GET',
    path: '/docs',
    operationId: 'apiReferencePage',
    summary: 'The readable reference of this document (HTML)',
    tag: 'document',
    public: true,
    responses: { 200: 'html' },
  },
  {
    method: 'GET',
    path: '/docs/rapidoc-min.js',
    operationId: 'apiReferenceScript',
    summary: "The reference page's script (served from the npm package, no CDN)",
    tag: 'document',
    public: true,
    responses: { 200: 'javascript' },
  },

  // ── agents (v2) ──────────────────────────────────────────────────────────────────────────────
  {
    method: 'POST',
    path: '/api/v2/agents/save',
    operationId: 'agentsSave',
    tag: 'agents (v2)',
    summary: 'Create an agent (no id) or update one (with id); answers its id',
    body: {
      type: 'object',
      additionalProperties: true,
      properties: {
        id,
        name: str,
        scriptId: id,
        script: str,
        argument: { anyOf: [openObject, str] },
        launchType: str,
        repeatedLaunchTimes: openObject,
        maxParallelism: int,
        executionTimeLimit: int,
      },
    },
    responses: { 200: v2('POST agents/save') },
  },
  {
    method: 'GET',
    path: '/api/v2/agents/fetch',
    operationId: 'agentsFetch',
    tag: 'agents (v2)',
    summary: 'One agent, with its next launch dates',
    query: { id: required(id), withCode: flag, withManifest: flag, withSlaves: flag, withAgentObject: flag },
    responses: { 200: v2Agent },
  },
  {
    method: 'GET',
    path: '/api/v2/agents/fetch-all',
    operationId: 'agentsFetchAll',
    tag: 'agents (v2)',
    summary: "The org's agents",
    query: { agentIds: str, tag: int, status: str, stage: str, withArgument: flag, userCustomMetadataKey: str, userCustomMetadataValue: str },
    responses: { 200: v2('GET agents/fetch-all') },
  },
  {
    method: 'GET',
    path: '/api/v2/agents/fetch-deleted',
    operationId: 'agentsFetchDeleted',
    tag: 'agents (v2)',
    summary: 'Deleted agents',
    responses: { 200: v2('GET agents/fetch-deleted') },
  },
  {
    method: 'POST',
    path: '/api/v2/agents/delete',
    operationId: 'agentsDelete',
    tag: 'agents (v2)',
    summary: 'Delete an agent',
    body: object(['id'], { id }),
    responses: { 200: object(['id'], { id: str, deletedAt: num }) },
  },
  {
    method: 'POST',
    path: '/api/v2/agents/retire',
    operationId: 'agentsRetire',
    tag: 'agents (v2)',
    summary: 'Retire an agent (kept, never launched)',
    body: object(['id'], { id }),
    responses: { 200: v2Agent },
  },
  {
    method: 'POST',
    path: '/api/v2/agents/reinstate',
    operationId: 'agentsReinstate',
    tag: 'agents (v2)',
    summary: 'Make a retired agent active again',
    body: object(['id'], { id }),
    responses: { 200: v2Agent },
  },
  {
    method: 'GET',
    path: '/api/v2/agents/versions',
    operationId: 'agentsVersions',
    tag: 'agents (v2)',
    summary: "The agent's saved versions, newest first",
    query: { id: required(id) },
    responses: { 200: object(['agentId', 'currentVersionId', 'versions'], { agentId: str, currentVersionId: str, versions: arrayOf(agentVersion) }) },
  },
  {
    method: 'POST',
    path: '/api/v2/agents/rollback',
    operationId: 'agentsRollback',
    tag: 'agents (v2)',
    summary: 'Save an earlier version as the current one',
    body: object(['id', 'versionId'], { id, versionId: str }),
    responses: { 200: object(['id', 'versionId', 'agent'], { id: str, versionId: str, agent: v2Agent }) },
  },
  {
    method: 'POST',
    path: '/api/v2/agents/launch',
    operationId: 'agentsLaunch',
    tag: 'agents (v2)',
    summary: 'Queue a run; answers its container id',
    body: v2LaunchBody,
    responses: { 200: v2('POST agents/launch') },
  },
  {
    method: 'POST',
    path: '/api/v2/agents/launch-sync',
    operationId: 'agentsLaunchSync',
    tag: 'agents (v2)',
    summary: 'Launch and stream the run as JSON lines until it ends',
    body: v2LaunchBody,
    query: { includeLogs: flag },
    responses: { 200: 'ndjson' },
  },
  {
    method: 'POST',
    path: '/api/v2/agents/stop',
    operationId: 'agentsStop',
    tag: 'agents (v2)',
    summary: "Abort the agent's running and queued containers",
    body: object(['id'], { id, containerId: id, softAbort: flag, cascadeToAllSlaves: flag, switchToManualLaunch: flag, dontLaunchSoon: flag }),
    responses: { 200: object(['containerIds'], { containerIds: arrayOf(str) }) },
  },
  {
    method: 'GET',
    path: '/api/v2/agents/fetch-output',
    operationId: 'agentsFetchOutput',
    tag: 'agents (v2)',
    summary: "The latest container's output and progress since a position",
    query: { id: required(id), fromOutputPos: int, prevContainerId: id, prevStatus: str, prevRuntimeEventIndex: int },
    responses: { 200: v2('GET agents/fetch-output') },
  },
  {
    method: 'POST',
    path: '/api/v2/agents/unschedule-all',
    operationId: 'agentsUnscheduleAll',
    tag: 'agents (v2)',
    summary: 'Turn every scheduled agent of the org manual',
    responses: { 200: object(['nbUnscheduled', 'agentIds'], { nbUnscheduled: int, agentIds: arrayOf({}) }) },
  },
  {
    method: 'POST',
    path: '/api/v2/agents/launch-soon',
    operationId: 'agentsLaunchSoon',
    tag: 'agents (v2)',
    summary: 'Queue a run to start in some minutes',
    body: object(['id', 'minutes'], { id, minutes: int }),
    responses: { 200: object(['containerId'], { containerId: str, launchAt: num }) },
  },
  {
    method: 'GET',
    path: '/api/v2/agents/next-launch-dates',
    operationId: 'agentsNextLaunchDates',
    tag: 'agents (v2)',
    summary: "The agent's next scheduled launches (Unix ms)",
    query: { id: required(id), count: int },
    responses: { 200: object(['id', 'nextLaunchDates'], { id: str, nextLaunchDates: arrayOf(num) }) },
  },

  // ── containers (v2) ──────────────────────────────────────────────────────────────────────────
  {
    method: 'GET',
    path: '/api/v2/containers/attach',
    operationId: 'containersAttach',
    tag: 'containers (v2)',
    summary: "The container's output as printed (chunked text) until it ends",
    query: { id: required(id) },
    responses: { 200: 'text' },
  },
  {
    method: 'GET',
    path: '/api/v2/containers/fetch',
    operationId: 'containersFetch',
    tag: 'containers (v2)',
    summary: 'One container (run): status, exit code, progress, optionally output and result object',
    query: { id: required(id), withResultObject: flag, withOutput: flag, withRuntimeEvents: flag, withNewerAndOlderContainerId: flag },
    responses: { 200: container },
  },
  {
    method: 'GET',
    path: '/api/v2/containers/fetch-all',
    operationId: 'containersFetchAll',
    tag: 'containers (v2)',
    summary: "An agent's containers, newest first",
    query: { agentId: required(id), limit: int, mode: { type: 'string', enum: ['all', 'finalized'] }, beforeEndedAt: int, withRuntimeEvents: flag },
    responses: { 200: containerList },
  },
  {
    method: 'GET',
    path: '/api/v2/containers/fetch-output',
    operationId: 'containersFetchOutput',
    tag: 'containers (v2)',
    summary: "A container's console output (text with raw=true)",
    query: { id: required(id), fromOutputPos: int, raw: flag, mode: str },
    responses: { 200: { json: v2('GET containers/fetch-output'), also: ['text'] } },
  },
  {
    method: 'GET',
    path: '/api/v2/containers/fetch-result-object',
    operationId: 'containersFetchResultObject',
    tag: 'containers (v2)',
    summary: "A container's result object (JSON text)",
    query: { id: required(id) },
    responses: { 200: v2('GET containers/fetch-result-object') },
  },
  {
    method: 'GET',
    path: '/api/v2/orgs/fetch-running-containers',
    operationId: 'orgsFetchRunningContainers',
    tag: 'containers (v2)',
    summary: "The org's running containers",
    responses: { 200: v2('GET orgs/fetch-running-containers') },
  },

  // ── scripts and branches (v2) ────────────────────────────────────────────────────────────────
  {
    method: 'GET',
    path: '/api/v2/scripts/fetch',
    operationId: 'scriptsFetch',
    tag: 'scripts (v2)',
    summary: 'One script (by id or name)',
    query: { id, name: str, withText: flag, withCode: flag, branch: str, environment: str },
    responses: { 200: v2('GET scripts/fetch') },
  },
  {
    method: 'GET',
    path: '/api/v2/scripts/fetch-all',
    operationId: 'scriptsFetchAll',
    tag: 'scripts (v2)',
    summary: "The org's scripts",
    query: { scriptIds: str, org: str },
    responses: { 200: v2('GET scripts/fetch-all') },
  },
  {
    method: 'GET',
    path: '/api/v2/scripts/code',
    operationId: 'scriptsCode',
    tag: 'scripts (v2)',
    summary: "A script's code",
    query: { script: required(str), org: str, branch: str, environment: str },
    responses: { 200: v2('GET scripts/code') },
  },
  {
    method: 'POST',
    path: '/api/v2/scripts/save',
    operationId: 'scriptsSave',
    tag: 'scripts (v2)',
    summary: 'Create or update a script by name (or id)',
    body: object([], { id, name: str, code: str, source: str, insertOnly: flag, branch: str }),
    responses: { 200: object(['id', 'name'], { id: str, name: str, created: bool, nonce: {} }) },
  },
  {
    method: 'POST',
    path: '/api/v2/scripts/delete',
    operationId: 'scriptsDelete',
    tag: 'scripts (v2)',
    summary: 'Delete a script',
    body: object(['id'], { id }),
    responses: { 200: object(['id'], { id: str }) },
  },
  {
    method: 'POST',
    path: '/api/v2/scripts/visibility',
    operationId: 'scriptsVisibility',
    tag: 'scripts (v2)',
    summary: "Set a script's visibility",
    body: object(['id', 'visibility'], { id, visibility: str }),
    responses: { 200: object(['id', 'visibility'], { id: str, visibility: str }) },
  },
  {
    method: 'POST',
    path: '/api/v2/scripts/access-list',
    operationId: 'scriptsAccessList',
    tag: 'scripts (v2)',
    summary: 'Accepted for compatibility: Agentry has no script store',
    body: object(['id'], { id, add: str, remove: str }),
    responses: { 200: object(['id'], { id: str, accessList: arrayOf(anyJson) }) },
  },
  {
    method: 'GET',
    path: '/api/v2/branches/fetch-all',
    operationId: 'branchesFetchAll',
    tag: 'branches (v2)',
    summary: "The org's branches",
    responses: { 200: v2('GET branches/fetch-all') },
  },
  {
    method: 'POST',
    path: '/api/v2/branches/create',
    operationId: 'branchesCreate',
    tag: 'branches (v2)',
    summary: 'Create a branch',
    body: object(['name'], { name: str }),
    responses: { 200: v2('POST branches/create') },
  },
  {
    method: 'POST',
    path: '/api/v2/branches/delete',
    operationId: 'branchesDelete',
    tag: 'branches (v2)',
    summary: 'Delete a branch',
    body: object(['id'], { id: str }),
    responses: { 200: object(['id', 'name'], { id: str, name: str }) },
  },
  {
    method: 'GET',
    path: '/api/v2/branches/diff',
    operationId: 'branchesDiff',
    tag: 'branches (v2)',
    summary: "A branch's staging against release",
    query: { name: str },
    responses: { 200: v2('GET branches/diff') },
  },
  {
    method: 'POST',
    path: '/api/v2/branches/release',
    operationId: 'branchesRelease',
    tag: 'branches (v2)',
    summary: "Release a branch's staging code",
    body: object(['name'], { name: str, scriptIds: arrayOf(id) }),
    responses: { 200: object(['name', 'scriptIds'], { name: str, scriptIds: arrayOf(str) }) },
  },

  // ── orgs, keys, tags, usage (v2) ─────────────────────────────────────────────────────────────
  {
    method: 'POST',
    path: '/api/v2/orgs',
    operationId: 'orgsCreate',
    tag: 'orgs (v2)',
    summary: 'Platform admin: create an org and its first admin key (shown once)',
    body: object(['name', 'plan'], { name: str, plan: anyObject, adminEmail: str }),
    responses: { 200: object(['id', 'name', 'apiKey'], { id: str, name: str, plan: anyObject, adminUserId: str, apiKeyId: str, apiKey: str }) },
  },
  {
    method: 'GET',
    path: '/api/v2/orgs/fetch',
    operationId: 'orgsFetch',
    tag: 'orgs (v2)',
    summary: "The caller's org, its plan and usage",
    responses: { 200: v2('GET orgs/fetch') },
  },
  {
    method: 'GET',
    path: '/api/v2/orgs/fetch-resources',
    operationId: 'orgsFetchResources',
    tag: 'orgs (v2)',
    summary: "The org's resources and limits",
    responses: { 200: v2('GET orgs/fetch-resources') },
  },
  {
    method: 'GET',
    path: '/api/v2/orgs/fetch-agent-groups',
    operationId: 'orgsFetchAgentGroups',
    tag: 'orgs (v2)',
    summary: "The org's agent groups",
    responses: { 200: v2('GET orgs/fetch-agent-groups') },
  },
  {
    method: 'POST',
    path: '/api/v2/orgs/save-agent-groups',
    operationId: 'orgsSaveAgentGroups',
    tag: 'orgs (v2)',
    summary: "Save the org's agent groups",
    body: object(['agentGroups'], { agentGroups: arrayOf(anyJson) }),
    responses: { 200: v2('POST orgs/save-agent-groups') },
  },
  {
    method: 'GET',
    path: '/api/v2/orgs/events',
    operationId: 'orgsEvents',
    tag: 'orgs (v2)',
    summary: "The org's public events as a live stream (SSE, resumable with Last-Event-ID)",
    query: { agentId: id },
    responses: { 200: 'sse' },
  },
  {
    method: 'GET',
    path: '/api/v2/orgs/export-agent-usage',
    operationId: 'orgsExportAgentUsage',
    tag: 'orgs (v2)',
    summary: 'Agent usage over the last days (CSV)',
    query: { days: required(int) },
    responses: { 200: 'csv' },
  },
  {
    method: 'GET',
    path: '/api/v2/orgs/export-container-usage',
    operationId: 'orgsExportContainerUsage',
    tag: 'orgs (v2)',
    summary: 'Container usage over the last days (CSV)',
    query: { days: required(int), agentId: id },
    responses: { 200: 'csv' },
  },
  {
    method: 'POST',
    path: '/api/v2/org/api-keys',
    operationId: 'apiKeysCreate',
    tag: 'orgs (v2)',
    summary: 'Create an API key (its secret is answered this once)',
    body: object(['roles'], {
      name: str,
      roles: arrayOf({
        type: 'string',
        enum: ['org:admin', 'org:manage_agents:create', 'org:manage_agents:update', 'org:manage_scripts:write', 'org:manage_agents:launch', 'org:read'],
      }),
    }),
    responses: { 200: { ...apiKey, required: [...(apiKey['required'] as string[]), 'key'], properties: { ...(apiKey['properties'] as object), key: str } } },
  },
  {
    method: 'GET',
    path: '/api/v2/org/api-keys',
    operationId: 'apiKeysList',
    tag: 'orgs (v2)',
    summary: "The org's API keys (never their secrets)",
    responses: { 200: object(['apiKeys'], { apiKeys: arrayOf(apiKey) }) },
  },
  {
    method: 'DELETE',
    path: '/api/v2/org/api-keys/:id',
    operationId: 'apiKeysDelete',
    tag: 'orgs (v2)',
    summary: 'Revoke an API key',
    responses: { 200: apiKey },
  },
  {
    method: 'POST',
    path: '/api/v2/org/api-keys/:id/revoke',
    operationId: 'apiKeysRevoke',
    tag: 'orgs (v2)',
    summary: 'Revoke an API key',
    responses: { 200: apiKey },
  },
  {
    method: 'POST',
    path: '/api/v2/org/tags',
    operationId: 'tagsCreate',
    tag: 'orgs (v2)',
    summary: 'Create a tag',
    body: object(['name'], { name: str }),
    responses: { 200: object(['id'], { id: str }) },
  },
  {
    method: 'GET',
    path: '/api/v2/org/tags',
    operationId: 'tagsList',
    tag: 'orgs (v2)',
    summary: "The org's tags",
    responses: { 200: object(['tags'], { tags: arrayOf(tag) }) },
  },

  // ── the v1 API ───────────────────────────────────────────────────────────────────────────────
  ...(['/api/v1/agent/:id.json', '/api/v1/agent/:id'] as const).map((path, i): RouteSpec => ({
    method: 'GET',
    path,
    operationId: i ? 'v1AgentFetchBare' : 'v1AgentFetch',
    tag: 'v1',
    summary: 'One agent (JSend)',
    query: { withScript: flag },
    responses: { 200: v1Success(anyObject) },
  })),
  {
    method: 'POST',
    path: '/api/v1/agent',
    operationId: 'v1AgentSave',
    tag: 'v1',
    summary: 'Update an agent (200) or create one (201) (JSend, validation errors by field)',
    body: anyObject,
    responses: { 200: V1_AGENT_SAVED, 201: V1_AGENT_SAVED },
  },
  {
    method: 'POST',
    path: '/api/v1/agent/:id/launch',
    operationId: 'v1AgentLaunch',
    tag: 'v1',
    summary: 'Launch; with output=event-stream the console streams live (SSE, resumable with Last-Event-ID), with output=raw as text',
    query: { output: V1_OUTPUT, argument: str },
    body: object([], { argument: { anyOf: [openObject, str] }, command: str, saveLaunchOptions: flag }),
    responses: { 200: { json: v1Success(anyObject), also: ['sse', 'text'] }, 204: 'empty' },
  },
  {
    method: 'GET',
    path: '/api/v1/agent/:id/launch',
    operationId: 'v1AgentLaunchGet',
    tag: 'v1',
    summary: 'Launch (GET spelling)',
    query: { output: V1_OUTPUT, argument: str },
    responses: { 200: { json: v1Success(anyObject), also: ['sse', 'text'] }, 204: 'empty' },
  },
  ...(['/api/v1/agent/:id/abort.json', '/api/v1/agent/:id/abort'] as const).flatMap((path, i): RouteSpec[] =>
    (['POST', 'GET'] as const).map((method) => ({
      method,
      path,
      operationId: `v1AgentAbort${method === 'GET' ? 'Get' : ''}${i ? 'Bare' : ''}`,
      tag: 'v1',
      summary: "Abort the agent's run",
      responses: { 200: v1Success(anyJson) },
    })),
  ),
  ...(['/api/v1/agent/:id/output.json', '/api/v1/agent/:id/output'] as const).map((path, i): RouteSpec => ({
    method: 'GET',
    path,
    operationId: i ? 'v1AgentOutputBare' : 'v1AgentOutput',
    tag: 'v1',
    summary: "The agent's output since a position",
    query: { containerId: int, mode: str, fromOutputPos: int, fromMessageId: int },
    responses: { 200: v1Success(anyObject) },
  })),
  ...(['/api/v1/agent/:id/containers.json', '/api/v1/agent/:id/containers'] as const).map((path, i): RouteSpec => ({
    method: 'GET',
    path,
    operationId: i ? 'v1AgentContainersBare' : 'v1AgentContainers',
    tag: 'v1',
    summary: "The agent's finished containers",
    responses: { 200: v1Success(arrayOf(anyObject)) },
  })),
  {
    method: 'GET',
    path: '/api/v1/agent/:id/storage/*',
    operationId: 'v1AgentStorage',
    tag: 'v1',
    summary: 'A file the agent stored (served as an attachment, sandboxed)',
    responses: { 200: 'binary' },
  },
  {
    method: 'GET',
    path: '/api/v1/script/by-id/:mode/:id',
    operationId: 'v1ScriptById',
    tag: 'v1',
    summary: 'A script by id (mode json or raw)',
    query: { withoutText: flag },
    responses: { 200: { json: v1Success(anyObject), also: ['text'] } },
  },
  {
    method: 'GET',
    path: '/api/v1/script/by-name/:mode/:name',
    operationId: 'v1ScriptByName',
    tag: 'v1',
    summary: 'A script by name (mode json or raw)',
    query: { withoutText: flag },
    responses: { 200: { json: v1Success(anyObject), also: ['text'] } },
  },
  {
    method: 'GET',
    path: '/api/v1/scripts.json',
    operationId: 'v1Scripts',
    tag: 'v1',
    summary: "The org's scripts",
    responses: { 200: v1Success(arrayOf(anyObject)) },
  },
  {
    method: 'DELETE',
    path: '/api/v1/script/:id.json',
    operationId: 'v1ScriptDelete',
    tag: 'v1',
    summary: 'Delete a script',
    responses: { 200: object(['status'], { status: { const: 'success' } }) },
  },
  {
    method: 'POST',
    path: '/api/v1/script/:name',
    operationId: 'v1ScriptSave',
    tag: 'v1',
    summary: 'Save a script by name',
    body: object([], { text: str, source: str, insertOnly: flag }),
    responses: { 200: v1Success(anyJson) },
  },
  {
    method: 'POST',
    path: '/api/v1/store-info/by-name/:name',
    operationId: 'v1StoreInfo',
    tag: 'v1',
    summary: 'Accepted for compatibility: Agentry has no script store',
    responses: { 200: object(['status'], { status: { const: 'success' }, message: str }) },
  },
  ...(['/api/v1/user.json', '/api/v1/user'] as const).map((path, i): RouteSpec => ({
    method: 'GET',
    path,
    operationId: i ? 'v1UserBare' : 'v1User',
    tag: 'v1',
    summary: "The key's user, its org and agents",
    responses: { 200: v1Success(anyObject) },
  })),

  // ── the agents API ───────────────────────────────────────────────────────────────────────────
  {
    method: 'POST',
    path: '/v1/agents',
    operationId: 'externalAgentCreate',
    tag: 'agents API',
    summary: 'Create an agent (the agents API)',
    body: anyObject,
    responses: { 201: anyObject },
  },
  {
    method: 'POST',
    path: '/v1/agents/:agentId/execute',
    operationId: 'externalAgentExecute',
    tag: 'agents API',
    summary: 'Queue a run (the agents API)',
    body: anyObject,
    responses: {
      202: object(['data'], { data: object(['containerId', 'agentId', 'status', 'queuedAt'], { containerId: str, agentId: str, status: str, queuedAt: str }) }),
    },
  },

  // ── webhooks (Agentry's addition) ────────────────────────────────────────────────────────────
  {
    method: 'POST',
    path: '/api/agentry/v1/webhooks/endpoints',
    operationId: 'webhooksCreateEndpoint',
    tag: 'webhooks',
    summary: 'Add an endpoint; answers its signing secret this once',
    body: object(['url'], { url: str, eventTypes: arrayOf(str), description: str, enabled: bool }),
    responses: { 201: webhookEndpoint },
  },
  {
    method: 'GET',
    path: '/api/agentry/v1/webhooks/endpoints',
    operationId: 'webhooksListEndpoints',
    tag: 'webhooks',
    summary: "The org's endpoints",
    responses: { 200: anyJson },
  },
  {
    method: 'GET',
    path: '/api/agentry/v1/webhooks/endpoints/:id',
    operationId: 'webhooksFetchEndpoint',
    tag: 'webhooks',
    summary: 'One endpoint',
    responses: { 200: webhookEndpoint },
  },
  {
    method: 'PATCH',
    path: '/api/agentry/v1/webhooks/endpoints/:id',
    operationId: 'webhooksUpdateEndpoint',
    tag: 'webhooks',
    summary: 'Change an endpoint',
    body: object([], { url: str, eventTypes: arrayOf(str), description: str, enabled: bool }),
    responses: { 200: webhookEndpoint },
  },
  {
    method: 'DELETE',
    path: '/api/agentry/v1/webhooks/endpoints/:id',
    operationId: 'webhooksDeleteEndpoint',
    tag: 'webhooks',
    summary: 'Remove an endpoint',
    responses: { 200: anyJson },
  },
  {
    method: 'POST',
    path: '/api/agentry/v1/webhooks/endpoints/:id/rotate-secret',
    operationId: 'webhooksRotateSecret',
    tag: 'webhooks',
    summary: 'A new signing secret (the old one signs beside it for a grace period)',
    body: object([], { graceSeconds: int }),
    responses: { 200: anyObject },
  },
  {
    method: 'GET',
    path: '/api/agentry/v1/webhooks/endpoints/:id/deliveries',
    operationId: 'webhooksEndpointDeliveries',
    tag: 'webhooks',
    summary: "An endpoint's delivery log",
    query: { limit: int },
    responses: { 200: anyJson },
  },
  {
    method: 'GET',
    path: '/api/agentry/v1/webhooks/deliveries',
    operationId: 'webhooksAgentDeliveries',
    tag: 'webhooks',
    summary: "The deliveries of an agent's runs on every channel",
    query: { agentId: required(id), limit: int },
    responses: { 200: anyJson },
  },
  {
    method: 'POST',
    path: '/api/agentry/v1/webhooks/deliveries/:id/redeliver',
    operationId: 'webhooksRedeliver',
    tag: 'webhooks',
    summary: 'Send a delivery again',
    responses: { 200: delivery },
  },
  {
    method: 'GET',
    path: '/api/agentry/v1/webhooks/agent-signing-secret',
    operationId: 'webhooksAgentSigningSecret',
    tag: 'webhooks',
    summary: "The org's secret signing its agents' notifications.webhook POSTs (org admins)",
    responses: { 200: object(['secret'], { secret: str }) },
  },

  // ── PhantomBuster features Agentry does not offer ────────────────────────────────────────────
  ...[
    '/api/v2/org-storage/*',
    '/api/v2/identities/*',
    '/api/v2/ai/*',
    '/api/v2/location/*',
    '/api/v2/brightdata/*',
    '/api/v2/hcaptcha',
    '/api/v2/recaptcha',
    '/api/v2/orgs/fetch-crm-access',
    '/api/v2/orgs/fetch-crm-resources',
    '/api/v2/orgs/save-crm-contact',
  ].flatMap(outOfScope),
];
