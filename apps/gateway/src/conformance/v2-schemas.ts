/**
 * The answers of PhantomBuster's v2 API, as its published OpenAPI document describes them, written
 * in this project (derived from the document's operation response schemas, trimmed to what a
 * client relies on: required fields, types, enums, nullability). A change that breaks a client
 * built from that document fails `v2-conformance.int.test.ts`.
 *
 * Objects stay open (no `additionalProperties: false`): Agentry's own additions are allowed and
 * listed in docs/api/conformance.md.
 */
type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
const anyObject: Schema = { type: 'object' };
const nullable = (schema: Schema): Schema =>
  schema['enum']
    ? { ...schema, type: [schema['type'], 'null'], enum: [...(schema['enum'] as unknown[]), null] }
    : { ...schema, type: [schema['type'], 'null'] };
const oneOf = (...values: string[]): Schema => ({ type: 'string', enum: values });
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
const object = (required: string[], properties: Record<string, Schema>): Schema => ({ type: 'object', required, properties });

const CONTAINER_STATUS = oneOf('starting', 'running', 'finished', 'unknown', 'launch error');
const CONTAINER_LAUNCH_TYPE = oneOf(
  'manual',
  'user api call',
  'scheduled once',
  'scheduled repeatedly',
  'scheduled after agent',
  'retry',
  'scheduled before',
  'browser extension api call',
);
const END_TYPE = oneOf('finished', 'killed', 'global timeout', 'org timeout', 'agent timeout', 'unknown', 'no log timeout');
const AGENT_LAUNCH_TYPE = oneOf('manually', 'repeatedly', 'once', 'after agent');
const FILE_MGMT = oneOf('folders', 'mix', 'delete');
const ENVIRONMENT = oneOf('staging', 'release');
const VISIBILITY = oneOf('private', 'semi public', 'public', 'semi open source', 'open source');
const metadata = nullable(anyObject);

const runtimeEvent = object(['slug'], {
  timestamp: num,
  slug: { type: 'string', maxLength: 100, pattern: '^[a-zA-Z0-9-_]+$' },
  type: str,
  title: str,
  text: str,
});

const repeatedLaunchTimes = nullable(
  object(['timezone', 'minute', 'hour', 'day', 'dow', 'month'], {
    timezone: str,
    minute: arrayOf(num),
    hour: arrayOf(num),
    day: arrayOf(num),
    dow: arrayOf(oneOf('sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat')),
    month: arrayOf(oneOf('jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec')),
  }),
);

/** Fields shared by an agent of `agents/fetch-all` and `agents/fetch-deleted`. */
const listedAgentProperties: Record<string, Schema> = {
  id: str,
  name: nullable(str),
  createdAt: num,
  scriptId: nullable(str),
  script: nullable(str),
  scriptOrgName: nullable(str),
  branch: nullable(str),
  environment: nullable(ENVIRONMENT),
  argument: nullable(str),
  lastEndType: nullable(END_TYPE),
  lastEndedAt: nullable(num),
  lastExitCode: nullable(num),
  nbContainersRunning: num,
  launchType: AGENT_LAUNCH_TYPE,
  repeatedLaunchTimes,
  s3Folder: str,
  launchOnceAt: nullable(num),
  launchAfterAgentId: nullable(str),
  expireAt: nullable(num),
  internalMetadata: metadata,
  userCustomMetadata: metadata,
  manifest: nullable(object(['slug', 'description'], { slug: str, description: str })),
  reservedAgentSlotsFactor: num,
};

const slave = object(['id'], { id: str, name: nullable(str), slaveSlug: nullable(str) });

const plan = object(
  [
    'name',
    's3Storage',
    'mongoStorage',
    'parallelism',
    'agents',
    'scripts',
    'dailyExecutionTime',
    'dailyMails',
    'dailyCaptchas',
    'dailyDiscoveredMails',
    'dailyAiCredits',
    'isAvailable',
    'isUpgradable',
    'duration',
    'monthlyPrice',
    'yearlyPrice',
  ],
  {
    name: str,
    s3Storage: num,
    mongoStorage: num,
    parallelism: num,
    agents: num,
    scripts: num,
    dailyExecutionTime: num,
    dailyMails: num,
    dailyCaptchas: num,
    dailyDiscoveredMails: num,
    dailyAiCredits: num,
    isAvailable: bool,
    isUpgradable: bool,
    duration: num,
    monthlyPrice: num,
    yearlyPrice: num,
  },
);

const agentGroups = arrayOf({ anyOf: [str, object(['id', 'name', 'agents'], { id: str, name: str, agents: arrayOf(str) })] });

/** One schema per v2 operation, keyed `METHOD group/operation`. */
export const V2_ANSWERS: Record<string, Schema> = {
  'GET agents/fetch': object(['id', 'launchType', 'nbLaunches', 's3Folder', 'orgS3Folder', 'fileMgmt', 'updatedAt'], {
    id: str,
    name: nullable(str),
    scriptId: nullable(str),
    script: nullable(str),
    scriptOrgName: nullable(str),
    branch: nullable(str),
    environment: nullable(ENVIRONMENT),
    argument: nullable(str),
    lastEndType: nullable(END_TYPE),
    code: nullable(str),
    executionTimeLimit: nullable(num),
    fileMgmt: FILE_MGMT,
    fileMgmtMaxFolders: nullable(num),
    maxParallelism: nullable(num),
    maxRetryNumber: nullable(num),
    proxyType: oneOf('none', 'http', 'pool', 'squid lease'),
    proxyAddress: nullable(str),
    launchType: AGENT_LAUNCH_TYPE,
    repeatedLaunchTimes,
    launchOnceAt: nullable(num),
    launchAfterAgentId: nullable(str),
    nbLaunches: num,
    s3Folder: str,
    orgS3Folder: str,
    agentObject: nullable(str),
    updatedAt: num,
    expireAt: nullable(num),
    internalMetadata: metadata,
    userCustomMetadata: metadata,
    manifest: nullable(object(['slug', 'description'], { slug: str, description: str })),
    slaves: nullable(arrayOf({ ...slave, properties: { ...(slave['properties'] as object), subSlaves: arrayOf(slave) } })),
  }),
  'GET agents/fetch-all': arrayOf(object(['id', 'createdAt', 'nbContainersRunning'], listedAgentProperties)),
  'GET agents/fetch-deleted': arrayOf(
    object(['id', 'createdAt', 'deletedAt', 'nbContainersRunning'], { ...listedAgentProperties, deletedAt: num, deletedBy: nullable(str) }),
  ),
  'POST agents/save': object(['id'], { id: str }),
  'POST agents/delete': anyObject,
  'POST agents/launch': object(['containerId'], { containerId: str }),
  'POST agents/launch-soon': anyObject,
  'POST agents/stop': anyObject,
  'POST agents/unschedule-all': anyObject,
  'GET agents/fetch-output': object(['status', 'isAgentRunning', 'canSoftAbort'], {
    containerId: str,
    status: oneOf('starting', 'running', 'finished', 'unknown', 'launch error', 'never launched'),
    output: str,
    outputPos: num,
    mostRecentEndedAt: num,
    progress: num,
    progressLabel: str,
    isAgentRunning: bool,
    canSoftAbort: bool,
    runtimeEvents: arrayOf(runtimeEvent),
  }),
  /** Each NDJSON line of `agents/launch-sync` (the first, `start`, is Agentry's addition). */
  'POST agents/launch-sync': {
    oneOf: [
      object(['type', 'data'], { type: { const: 'start' }, data: object(['containerId'], { containerId: str }) }),
      object(['type'], { type: { const: 'heartbeat' } }),
      object(['type', 'data'], { type: { const: 'logs' }, data: arrayOf(str) }),
      object(['type', 'data'], {
        type: { const: 'summary' },
        data: object(['containerId', 'executionTime'], { containerId: str, executionTime: num, exitCode: nullable(num) }),
      }),
      object(['type', 'data'], { type: { const: 'error' }, data: str }),
    ],
  },

  'GET containers/fetch': object(['id', 'status', 'createdAt', 'launchType', 'retryNumber'], {
    id: str,
    status: CONTAINER_STATUS,
    createdAt: num,
    launchType: CONTAINER_LAUNCH_TYPE,
    endType: END_TYPE,
    endedAt: num,
    launchedAt: nullable(num),
    exitCode: nullable(num),
    retryNumber: num,
    output: nullable(str),
    resultObject: nullable(str),
    runtimeEvents: arrayOf(runtimeEvent),
    newerContainerId: str,
    olderContainerId: str,
    internalMetadata: metadata,
    userCustomMetadata: metadata,
  }),
  'GET containers/fetch-all': object(['maxLimitReached', 'containers'], {
    maxLimitReached: bool,
    containers: arrayOf(
      object(['id', 'status', 'createdAt', 'launchType', 'retryNumber'], {
        id: str,
        status: CONTAINER_STATUS,
        createdAt: num,
        launchType: CONTAINER_LAUNCH_TYPE,
        endType: END_TYPE,
        endedAt: num,
        exitCode: nullable(num),
        retryNumber: num,
        runtimeEvents: arrayOf(anyObject),
        internalMetadata: metadata,
        userCustomMetadata: metadata,
      }),
    ),
  }),
  'GET containers/fetch-output': object([], { output: nullable(str) }),
  'GET containers/fetch-result-object': object([], { resultObject: nullable(str) }),

  'GET scripts/fetch': object(['id', 'name', 'orgId', 'orgSlug', 'environment', 'visibility', 'branches'], {
    id: str,
    name: str,
    orgId: str,
    orgSlug: str,
    code: nullable(str),
    branch: str,
    environment: ENVIRONMENT,
    visibility: VISIBILITY,
    branches: arrayOf(object(['id', 'name', 'visibility'], { id: str, name: str, visibility: VISIBILITY, environment: ENVIRONMENT })),
  }),
  'GET scripts/fetch-all': arrayOf(
    object(['id', 'name', 'created_at', 'updated_at'], {
      id: str,
      name: str,
      created_at: num,
      updated_at: num,
      defaultBranch: object(['id', 'name', 'visibility', 'environment', 'manifestName', 'manifestDescription'], {
        id: str,
        name: str,
        visibility: VISIBILITY,
        environment: ENVIRONMENT,
        manifestName: str,
        manifestDescription: str,
      }),
    }),
  ),
  'GET scripts/code': object(['code'], { code: str }),
  'POST scripts/save': object(['id', 'name'], { id: str, name: str }),
  'POST scripts/delete': anyObject,
  'POST scripts/visibility': anyObject,
  'POST scripts/access-list': anyObject,

  'GET branches/fetch-all': arrayOf(object(['id', 'name', 'created_at'], { id: str, name: str, created_at: num })),
  'GET branches/diff': arrayOf(
    object(['id', 'name', 'diffLength', 'stagingVisibility'], {
      id: str,
      name: str,
      diffLength: num,
      stagingVisibility: VISIBILITY,
      releaseVisibility: VISIBILITY,
      stagingAccessList: nullable({ type: 'array', items: str }),
      releaseAccessList: nullable({ type: 'array', items: str }),
    }),
  ),
  'POST branches/release': anyObject,
  'POST branches/create': object(['id', 'name'], { id: str, name: { type: 'string', pattern: '^[\\w-]{1,50}$' } }),
  'POST branches/delete': anyObject,

  'GET orgs/fetch': object(
    [
      'id',
      'name',
      'dailyExecutionTime',
      'dailyMail',
      'dailyCaptcha',
      'dailyDiscoveredMail',
      'dailyAiCredit',
      's3Storage',
      's3Folder',
      'planSlug',
      'planStartedAt',
      'billingFirstName',
      'billingLastName',
      'createdAt',
      'plan',
      'displayName',
    ],
    {
      id: str,
      name: str,
      dailyExecutionTime: num,
      dailyMail: num,
      dailyCaptcha: num,
      dailyDiscoveredMail: num,
      dailyAiCredit: num,
      s3Storage: num,
      s3Folder: str,
      planSlug: str,
      planStartedAt: num,
      timezone: str,
      billingFirstName: nullable(str),
      billingLastName: nullable(str),
      createdAt: num,
      plan,
      displayName: str,
    },
  ),
  'GET orgs/fetch-resources': object(
    [
      'dailyExecutionTime',
      'dailyMail',
      'dailyCaptcha',
      'dailyDiscoveredMail',
      'dailyAiCredit',
      'dailySerpCredits',
      'monthlyExecutionTime',
      'monthlyMail',
      'monthlyCaptcha',
      'monthlyDiscoveredMail',
      'monthlyAiCredit',
      'monthlySerpCredits',
      's3Storage',
      'agentCount',
      'planName',
      'plan',
      'dailyResourceNextResetAt',
      'monthlyResourceNextResetAt',
    ],
    {
      dailyExecutionTime: num,
      dailyMail: num,
      dailyCaptcha: num,
      dailyDiscoveredMail: num,
      dailyAiCredit: num,
      dailySerpCredits: num,
      monthlyExecutionTime: num,
      monthlyMail: num,
      monthlyCaptcha: num,
      monthlyDiscoveredMail: num,
      monthlyAiCredit: num,
      monthlySerpCredits: num,
      s3Storage: num,
      agentCount: num,
      planName: str,
      plan,
      dailyResourceNextResetAt: num,
      monthlyResourceNextResetAt: num,
    },
  ),
  'GET orgs/fetch-running-containers': object(['containers'], {
    containers: arrayOf(
      object(['id', 'agentId', 'createdAt', 'retryNumber', 'launchType', 'scriptSlug'], {
        id: str,
        agentId: str,
        agentName: nullable(str),
        createdAt: num,
        retryNumber: num,
        launchType: CONTAINER_LAUNCH_TYPE,
        scriptSlug: str,
      }),
    ),
  }),
  'GET orgs/fetch-agent-groups': agentGroups,
  'POST orgs/save-agent-groups': object(['agentGroups'], { agentGroups }),
};
