import {
  ContainerEventType,
  type ContainerEndType,
  type ContainerEndedData,
  type ContainerFinalStatus,
  type ContainerLaunchType,
  type ContainerQueuedData,
  type ContainerStartedData,
} from '../agents/container-events.js';
import type { MetadataObject } from '../agents/settings.js';

/**
 * Runtime events of `container-<id>` streams, beside the lifecycle ones
 * (`ContainerQueued` / `ContainerStarted` / `ContainerEnded`, see agents/container-events.ts).
 * Console bytes are NOT events: they live in the output service's append-only table.
 */
export const ContainerRuntimeEventType = {
  ContainerProgressed: 'ContainerProgressed',
  ContainerMessageAdded: 'ContainerMessageAdded',
  ContainerResultObjectSet: 'ContainerResultObjectSet',
  ContainerAbortRequested: 'ContainerAbortRequested',
  ContainerOutputSealed: 'ContainerOutputSealed',
  ContainerResultFileSaved: 'ContainerResultFileSaved',
} as const;
export type ContainerRuntimeEventType = (typeof ContainerRuntimeEventType)[keyof typeof ContainerRuntimeEventType];

export interface ContainerProgressedData {
  containerId: number;
  agentId: number;
  /** 0…1. */
  progress: number;
  /** ≤ 50 characters. */
  label: string | null;
  at: number;
}

/** The v1 API `messages`: lifecycle ones written by the platform, others by the script. */
export interface ContainerMessageAddedData {
  containerId: number;
  agentId: number;
  /** Per-container sequence, 1-based: `fromMessageId` pages on it. */
  messageNumber: number;
  text: string;
  type: 'normal' | 'info' | 'warning' | 'error' | 'success';
  context: string[];
  at: number;
}

export interface ContainerResultObjectSetData {
  containerId: number;
  agentId: number;
  /** The script's result object as JSON text (small). */
  resultObject: string;
  at: number;
}

/**
 * The run stored one of the agent's conventional result files, `<name>.csv` / `<name>.json` in its
 * storage folder (the name from the argument's `csvName` / `jsonName`, else `result`): answered as the
 * container's `csvName` / `jsonName`. Written once per format and run.
 */
export interface ContainerResultFileSavedData {
  containerId: number;
  agentId: number;
  format: 'csv' | 'json';
  /** Without its extension, as the argument names it. */
  name: string;
  at: number;
}

export interface ContainerAbortRequestedData {
  containerId: number;
  agentId: number;
  soft: boolean;
  requestedBy: { userId: number; keyId: number } | null;
  at: number;
}

/** Written once the runner has flushed every console byte: the final output length. */
export interface ContainerOutputSealedData {
  containerId: number;
  agentId: number;
  outputLength: number;
  at: number;
}

/** Neutral container record answered by the output service; the gateway renders v1 / v2. */
export type ContainerStatus = 'queued' | 'running' | 'ended';

export interface ContainerView {
  id: number;
  agentId: number;
  orgId: number;
  status: ContainerStatus;
  launchType: ContainerLaunchType;
  /** 1-based count of launches of this agent (v1 `launchNumber`). */
  launchNumber: number;
  agentVersionId: string | null;
  retryNumber: number;
  retryOfContainerId: number | null;
  queuedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  finalStatus: ContainerFinalStatus | null;
  endType: ContainerEndType | null;
  endMessage: string | null;
  exitCode: number | null;
  /** Ended without ever running (no script, agent retired or deleted meanwhile): v1 `lastEndStatus` "launch failed". */
  launchFailed?: boolean;
  progress: { progress: number; label: string | null; at: number } | null;
  /** JSON text, only when asked for. */
  resultObject?: string | null;
  outputLength: number;
  /** The result files the run stored (`<csvName>.csv` / `<jsonName>.json` in the agent's storage folder), null when none. */
  csvName?: string | null;
  jsonName?: string | null;
  /** The launch's v2 metadata (null when it had none). */
  userCustomMetadata: MetadataObject | null;
  internalMetadata: MetadataObject | null;
}

export interface ContainerMessageView {
  /** Unique and increasing across all containers (the event's log position); the v1 API `fromMessageId` pages on it. */
  id: number;
  date: number;
  text: string;
  type: string;
  context: string[];
}

/** Every event of a `container-<id>` stream (the executor writes them). */
export type ContainerEvent =
  | { type: typeof ContainerEventType.ContainerQueued; data: ContainerQueuedData }
  | { type: typeof ContainerEventType.ContainerStarted; data: ContainerStartedData }
  | { type: typeof ContainerEventType.ContainerEnded; data: ContainerEndedData }
  | { type: typeof ContainerRuntimeEventType.ContainerMessageAdded; data: ContainerMessageAddedData }
  | { type: typeof ContainerRuntimeEventType.ContainerProgressed; data: ContainerProgressedData }
  | { type: typeof ContainerRuntimeEventType.ContainerResultObjectSet; data: ContainerResultObjectSetData }
  | { type: typeof ContainerRuntimeEventType.ContainerAbortRequested; data: ContainerAbortRequestedData }
  | { type: typeof ContainerRuntimeEventType.ContainerOutputSealed; data: ContainerOutputSealedData }
  | { type: typeof ContainerRuntimeEventType.ContainerResultFileSaved; data: ContainerResultFileSavedData };
