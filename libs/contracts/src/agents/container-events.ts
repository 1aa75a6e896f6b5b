import type { MetadataObject } from './settings.js';

/**
 * Minimal container lifecycle events (stream `container-<id>`, stream type `container`).
 * The executor emits them; the registry's agents feature projects them into the agent's
 * `instanceCounts`, `nbLaunches` and last end message. Fields may be added, not renamed.
 */
export const ContainerEventType = {
  ContainerQueued: 'ContainerQueued',
  ContainerStarted: 'ContainerStarted',
  ContainerEnded: 'ContainerEnded',
} as const;
export type ContainerEventType = (typeof ContainerEventType)[keyof typeof ContainerEventType];

/** v2 container launch types. */
export const CONTAINER_LAUNCH_TYPES = ['manual', 'user api call', 'scheduled once', 'scheduled repeatedly', 'scheduled after agent', 'retry'] as const;
export type ContainerLaunchType = (typeof CONTAINER_LAUNCH_TYPES)[number];

/** How an instance finished, as counted in the `POST /api/v1/agent` API's `instance_counts`. */
export const CONTAINER_FINAL_STATUSES = ['complete', 'failed', 'cancelled'] as const;
export type ContainerFinalStatus = (typeof CONTAINER_FINAL_STATUSES)[number];

/** v2 end types (`lastEndType` / `endType`). */
export const CONTAINER_END_TYPES = ['finished', 'killed', 'global timeout', 'org timeout', 'agent timeout', 'unknown', 'no log timeout'] as const;
export type ContainerEndType = (typeof CONTAINER_END_TYPES)[number];

export interface ContainerQueuedData {
  containerId: number;
  agentId: number;
  orgId: number;
  launchType: ContainerLaunchType;
  /** The agent version whose settings this container runs with. */
  agentVersionId: string | null;
  queuedAt: number;
  /**
   * The argument the script receives (`buster.argument`) as JSON text: the launch's argument, or the
   * version's saved one, with `bonusArgument` merged over it. Absent on events written before it existed.
   */
  argument?: string;
  /** JSON text of the launch's `bonusArgument` (already merged into `argument`), for the record. */
  bonusArgument?: string | null;
  /** 0 for a launch, n for the n-th automatic retry of a failed run. */
  retryNumber?: number;
  /** For a retry: the first container of the chain (every attempt links to it). */
  retryOfContainerId?: number | null;
  /** Earliest start (Unix ms): retries wait their back-off, `launch-soon` its delay. */
  notBefore?: number | null;
  /** The agent's parallelism limit when it was queued (default 1): at most this many of its containers run at once. */
  maxParallelism?: number;
  /** Who launched it (a retry inherits the first launch's). */
  launchedBy?: { userId: number; keyId: number } | null;
  /** The caller's launch idempotency key, when one was sent. */
  idempotencyKey?: string | null;
  /** The launch's v2 `userCustomMetadata` (a retry inherits it); absent or null when none was sent. */
  userCustomMetadata?: MetadataObject | null;
  /** The launch's v2 `internalMetadata` (a retry inherits it). */
  internalMetadata?: MetadataObject | null;
}

export interface ContainerStartedData {
  containerId: number;
  agentId: number;
  startedAt: number;
  /** The executor replica running it (its heartbeat key names the same id). */
  executorId?: string;
  /**
   * SHA-256 (hex) of the run's own API key (`buster.apiKey`, `rk_<containerId>_…`): the key itself is
   * only ever in the run's memory; it authenticates while this container is running.
   */
  runKeyHash?: string;
}

export interface ContainerEndedData {
  containerId: number;
  agentId: number;
  status: ContainerFinalStatus;
  endType: ContainerEndType;
  exitCode: number | null;
  /** Human-readable end message, e.g. "Agent finished (success)" (v1 `lastEndMessage`). */
  endMessage: string;
  endedAt: number;
  /** The run never started (no script, agent retired or deleted before it ran): v1 `lastEndStatus` "launch failed". */
  launchFailed?: boolean;
}
