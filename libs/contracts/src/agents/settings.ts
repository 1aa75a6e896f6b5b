/**
 * The agent's settings, under their v2 (`agents/save`) names. One domain model; the v1
 * record and the `POST /api/v1/agent` API's shape are other spellings rendered by the gateway.
 * Secrets (`proxyPassword`, `credentials`) are never part of these public settings: they
 * travel sealed (AES-256-GCM) in `AgentSecretsSnapshot` and are never answered.
 */

export const LaunchType = {
  manually: 'manually',
  repeatedly: 'repeatedly',
  once: 'once',
  afterAgent: 'after agent',
} as const;
export type LaunchType = (typeof LaunchType)[keyof typeof LaunchType];

export const FILE_MGMT_TYPES = ['folders', 'mix', 'delete'] as const;
export type FileMgmt = (typeof FILE_MGMT_TYPES)[number];
/** What an agent saved without `fileMgmt` (null) gets: files kept and overwritten in one folder. */
export const DEFAULT_FILE_MGMT: FileMgmt = 'mix';

export const PROXY_TYPES = ['none', 'http', 'pool', 'squid lease'] as const;
export type ProxyType = (typeof PROXY_TYPES)[number];

export const ENVIRONMENTS = ['staging', 'release'] as const;
export type AgentEnvironment = (typeof ENVIRONMENTS)[number];

/** What the scheduler does with fires planned while it was down: drop them, or run the latest one once. */
export const MISSED_RUN_POLICIES = ['skip', 'runOnce'] as const;
export type MissedRunPolicy = (typeof MISSED_RUN_POLICIES)[number];

export const AGENT_STAGES = ['development', 'released'] as const;
export type AgentStage = (typeof AGENT_STAGES)[number];

export const WEEK_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];

export const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
export type Month = (typeof MONTHS)[number];

/** v2 `repeatedLaunchTimes`: the launch happens at every combination of the listed values. */
export interface RepeatedLaunchTimes {
  minute: number[];
  hour: number[];
  day: number[];
  dow: WeekDay[];
  month: Month[];
  timezone: string;
  simplePreset: string | null;
  isSimplePresetEnabled: boolean;
}

export const NOTIFICATION_FLAGS = [
  'mailAutomaticExitError',
  'mailAutomaticExitSuccess',
  'mailAutomaticLaunchError',
  'mailAutomaticTimeError',
  'mailManualExitError',
  'mailManualExitSuccess',
  'mailManualLaunchError',
  'mailManualTimeError',
  'slackAutomaticExitError',
  'slackAutomaticExitSuccess',
  'slackAutomaticLaunchError',
  'slackAutomaticTimeError',
  'slackManualExitError',
  'slackManualExitSuccess',
  'slackManualLaunchError',
  'slackManualTimeError',
] as const;
export type NotificationFlag = (typeof NOTIFICATION_FLAGS)[number];

export type AgentNotifications = Partial<Record<NotificationFlag, boolean>> & {
  slackWebHook?: string | null;
  webhook?: string | null;
};

/**
 * The agents API's schedule, normalised to one of its forms. Times are UTC unless `timezone` is set.
 * `cronExpression` is EventBridge syntax `cron(min hour dom month dow year)`; the scheduler
 * computes fire times, the registry only checks the syntax.
 */
export type AgentSchedule =
  | { kind: 'manual'; mode: 'SCHEDULED'; times: []; timezone?: string }
  | { kind: 'daily'; mode: 'SCHEDULED'; times: string[]; tasksPerDay: number; timezone?: string }
  | { kind: 'rate'; mode: 'SCHEDULED'; rateMinutes: number; timezone?: string }
  | { kind: 'cron'; mode: 'SCHEDULED'; cronExpression: string; timezone?: string }
  | { kind: 'once'; mode: 'ONCE'; at: string; cronExpression?: string; timezone?: string };

/** A JSON key-value object (`userCustomMetadata`, `internalMetadata`): values are scalars. */
export type MetadataObject = Record<string, string | number | boolean | null>;

/** Every public setting of an agent. `null` means "not set". */
export interface AgentSettings {
  name: string;
  scriptId: number | null;
  branch: string | null;
  environment: AgentEnvironment | null;
  /** The user's JSON (object, array or scalar), stored as given; v2 answers it as a JSON string. */
  argument: unknown;
  executionTimeLimit: number | null;
  maxParallelism: number | null;
  maxRetryNumber: number | null;
  fileMgmt: FileMgmt | null;
  fileMgmtMaxFolders: number | null;
  launchType: LaunchType;
  launchOnceAt: number | null;
  launchAfterAgentId: number | null;
  masterAgentLaunchOnExitCodes: number[] | 'all' | null;
  masterAgentLaunchAfter: number | null;
  repeatedLaunchTimes: RepeatedLaunchTimes | null;
  repeatedLaunchPreset: string | null;
  notifications: AgentNotifications | null;
  proxyType: ProxyType;
  proxyAddress: string | null;
  proxyUsername: string | null;
  squidLeaseIdentifier: Record<string, unknown> | null;
  expireAt: number | null;
  /** Scheduler's catch-up after downtime (default `skip`; never a burst). */
  missedRunPolicy: MissedRunPolicy;
  applyScriptManifestDefaultSettings: boolean;
  userCustomMetadata: MetadataObject | null;
  internalMetadata: MetadataObject | null;
  wasSetupValidWhenSubmittedByTheFrontend: boolean | null;
  shouldPropagateUpdatedSettingsToWorkersRegardlessOfSessionType: boolean | null;
  /** The agents API. */
  baseUrl: string | null;
  content: string | null;
  schedule: AgentSchedule | null;
  /** The versioned-agents API: tag ids of the agent's org. */
  tags: number[];
  stage: AgentStage;
  description: string | null;
}

/** Write-only secrets, sealed by the registry's SecretBox (`v1.<iv>.<tag>.<ciphertext>`). */
export interface AgentSecretsSnapshot {
  proxyPassword: string | null;
  credentials: string | null;
}

/** Which secrets are set, the only thing ever answered about them. */
export interface AgentSecretsPresence {
  hasProxyPassword: boolean;
  hasCredentials: boolean;
}

/**
 * What a new agent holds for every setting the client did not send: the registry starts every agent
 * from it, and tests and benches that write agent events build their settings on it.
 */
export function defaultAgentSettings(name: string): AgentSettings {
  return {
    name,
    scriptId: null,
    branch: null,
    environment: null,
    argument: null,
    executionTimeLimit: null,
    maxParallelism: null,
    maxRetryNumber: null,
    fileMgmt: null,
    fileMgmtMaxFolders: null,
    launchType: LaunchType.manually,
    launchOnceAt: null,
    launchAfterAgentId: null,
    masterAgentLaunchOnExitCodes: null,
    masterAgentLaunchAfter: null,
    repeatedLaunchTimes: null,
    repeatedLaunchPreset: null,
    notifications: null,
    proxyType: 'none',
    proxyAddress: null,
    proxyUsername: null,
    squidLeaseIdentifier: null,
    expireAt: null,
    missedRunPolicy: 'skip',
    applyScriptManifestDefaultSettings: false,
    userCustomMetadata: null,
    internalMetadata: null,
    wasSetupValidWhenSubmittedByTheFrontend: null,
    shouldPropagateUpdatedSettingsToWorkersRegardlessOfSessionType: null,
    baseUrl: null,
    content: null,
    schedule: null,
    tags: [],
    stage: 'development',
    description: null,
  };
}
