/**
 * Agentry's public lifecycle events, version 1. This is a contract: fields may be added to a type's
 * `data` (consumers ignore what they do not know), never renamed, retyped or removed; such a change
 * is a new version of the type, published beside the old one. Ids are strings (as in the v2 API),
 * times Unix milliseconds.
 */
export const LIFECYCLE_EVENT_TYPES = [
  'agent.created',
  'agent.saved',
  'agent.retired',
  'agent.reinstated',
  'agent.deleted',
  'container.queued',
  'container.started',
  'container.progress',
  'container.ended',
  'schedule.fired',
  'schedule.skipped',
  'schedule.missed',
] as const;
export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

export const isLifecycleEventType = (value: unknown): value is LifecycleEventType =>
  typeof value === 'string' && (LIFECYCLE_EVENT_TYPES as readonly string[]).includes(value);

/** Who caused an agent change: the user and the API key they used. */
export interface EventActor {
  userId: string;
  keyId: string;
}

export interface AgentCreatedData {
  createdAt: number;
  createdBy: EventActor;
}

export interface AgentSavedData {
  /** The new version's id and its 1-based number for this agent. */
  versionId: string;
  versionNumber: number;
  /** `create` (the first version), `update` (a save), `rollback` (a former version restored). */
  reason: 'create' | 'update' | 'rollback';
  /** For a rollback: the version whose settings were restored. */
  restoredFromVersionId: string | null;
  /** Names of the settings that differ from the previous version. */
  changedFields: string[];
  /** The agent's name in this version. */
  name: string;
  savedAt: number;
  savedBy: EventActor;
}

export interface AgentLifecycleChangeData {
  at: number;
  by: EventActor;
}
export type AgentRetiredData = AgentLifecycleChangeData;
export type AgentReinstatedData = AgentLifecycleChangeData;
export type AgentDeletedData = AgentLifecycleChangeData;

export type LaunchType = 'manual' | 'user api call' | 'scheduled once' | 'scheduled repeatedly' | 'scheduled after agent' | 'retry';

export interface ContainerQueuedData {
  containerId: string;
  launchType: LaunchType;
  /** The agent version this run uses (null for runs queued before versions were recorded). */
  agentVersionId: string | null;
  agentVersionNumber: number | null;
  /** 0 for a launch, n for the n-th automatic retry; the first container of a retry chain. */
  retryNumber: number;
  retryOfContainerId: string | null;
  queuedAt: number;
}

export interface ContainerStartedData {
  containerId: string;
  startedAt: number;
  /** Time spent queued (startedAt − queuedAt). */
  queuedMs: number | null;
}

export interface ContainerProgressData {
  containerId: string;
  /** 0…1. */
  progress: number;
  label: string | null;
  at: number;
}

export interface ContainerEndedData {
  containerId: string;
  /** How it ended, as counted in `instance_counts`. */
  status: 'complete' | 'failed' | 'cancelled';
  endType: 'finished' | 'killed' | 'global timeout' | 'org timeout' | 'agent timeout' | 'unknown' | 'no log timeout';
  exitCode: number | null;
  endMessage: string;
  /** It never ran (no script, the agent was retired or deleted before it started). */
  launchFailed: boolean;
  launchType: LaunchType | null;
  agentVersionId: string | null;
  agentVersionNumber: number | null;
  queuedAt: number | null;
  startedAt: number | null;
  endedAt: number;
  durations: {
    /** startedAt − queuedAt. */
    queuedMs: number | null;
    /** endedAt − startedAt. */
    runMs: number | null;
    /** endedAt − queuedAt. */
    totalMs: number | null;
  };
  /** The result object the script set, inline when it is at most RESULT_OBJECT_INLINE_BYTES of JSON, else null. */
  resultObject: Record<string, unknown> | unknown[] | null;
  /** Whether the script set a result object at all (inline or too large to inline). */
  hasResultObject: boolean;
  /** Where the v2 API answers it: `GET /api/v2/containers/fetch-result-object?id=<containerId>`. */
  resultObjectPath: string;
}

export interface ScheduleFiredData {
  /** The planned fire time this launch settles. */
  plannedAt: number;
  firedAt: number;
  containerId: string;
}

export interface ScheduleSkippedData {
  plannedAt: number;
  firedAt: number;
  /** Why the launch was refused (e.g. the agent is at its parallelism limit). */
  reason: string;
}

export interface ScheduleMissedData {
  /** The latest planned fire that was missed (the scheduler was down past its grace); earlier ones of the outage are settled by it. */
  plannedAt: number;
  firedAt: number;
}

/** The data of each type. */
export interface LifecycleEventData {
  'agent.created': AgentCreatedData;
  'agent.saved': AgentSavedData;
  'agent.retired': AgentRetiredData;
  'agent.reinstated': AgentReinstatedData;
  'agent.deleted': AgentDeletedData;
  'container.queued': ContainerQueuedData;
  'container.started': ContainerStartedData;
  'container.progress': ContainerProgressData;
  'container.ended': ContainerEndedData;
  'schedule.fired': ScheduleFiredData;
  'schedule.skipped': ScheduleSkippedData;
  'schedule.missed': ScheduleMissedData;
}

/** Every public event: the same envelope around its type's data. */
export interface LifecycleEventOf<T extends LifecycleEventType> {
  /** Stable id, derived from the internal event: a redelivery or a republish carries the same id (deduplicate on it). */
  id: string;
  type: T;
  /** The version of this type's schema (docs/events/<type>.v<version>.schema.json). */
  version: 1;
  orgId: string;
  agentId: string;
  /** When it happened (Unix ms). */
  occurredAt: number;
  data: LifecycleEventData[T];
}

/** Any public event; narrow on `type` to get its data typed. */
export type LifecycleEvent = { [T in LifecycleEventType]: LifecycleEventOf<T> }[LifecycleEventType];

/** Larger result objects are not inlined in `container.ended` (the API serves them at `resultObjectPath`). */
export const RESULT_OBJECT_INLINE_BYTES = 64 * 1024;
