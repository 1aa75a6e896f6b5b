import type { AgentSecretsSnapshot, AgentSettings } from '../agents/settings.js';
import type { AgentView } from '../agents/views.js';

/**
 * Service-to-service requests between the executor and the registry (`Subjects.internal.*`).
 * The actor is the org the run belongs to (the launching user's ids), so every answer stays
 * within that org: another org's agent is NOT_FOUND.
 */

/** `Subjects.internal.agentLaunchSnapshot`: what a launch or a run needs to know about an agent. */
export interface AgentLaunchSnapshotParams {
  agentId: number;
  /** The version a queued container recorded; absent → the current one. */
  versionId?: string;
}
export interface AgentLaunchSnapshot {
  agent: AgentView;
  /** The version's settings and its secrets, still sealed (`@agentry/secrets` opens them). */
  version: { versionId: string; versionNumber: number; settings: AgentSettings; secrets: AgentSecretsSnapshot };
  /** Null when the version has no script or the script was deleted. */
  script: { id: number; name: string; text: string } | null;
  /** The org's plan limits that apply to runs (fair share). */
  org: { maxRunningContainers: number };
  /** The `lib-*` scripts the script's `phantombuster dependencies:` header names (see below). */
  dependencies: ScriptDependencies;
}

/**
 * The org's scripts a script names in its header line `'phantombuster dependencies: lib-X.js, …'`,
 * made `require('lib-X')`-able in the run. `problem` (one that is missing, not a `lib-*.js` name,
 * or the texts over the size bound) means the run must not start; it says which and why.
 */
export interface ScriptDependencies {
  libraries: { name: string; text: string }[];
  problem: string | null;
}

/** `Subjects.internal.getAgentObject`. */
export interface GetAgentObjectParams {
  agentId: number;
}
export interface AgentObjectResult {
  agentId: number;
  /** JSON object text, null when never set. */
  agentObject: string | null;
}

/** `Subjects.internal.setAgentObject`: replaces the whole object (null clears it). */
export interface SetAgentObjectParams {
  agentId: number;
  agentObject: string | null;
}

/**
 * Core NATS subject every executor replica subscribes to WITHOUT a queue group: an abort must
 * reach the replica whose process runs the container, whichever it is.
 */
export const EXECUTOR_ABORT_BROADCAST = 'executor.broadcast.abort';
export interface AbortBroadcast {
  agentId: number;
  /** Absent → every container of the agent. */
  containerIds?: number[];
  soft: boolean;
}

/** `Subjects.executor.readStoredFile`: a file a script saved in its agent's storage folder. */
export interface ReadStoredFileParams {
  agentId: number;
  /** Relative to the agent's storage folder, `/`-separated, as in the URL `save()` answered. */
  path: string;
  /** Byte range to answer (default from 0, at most `READ_STORED_FILE_MAX_BYTES`). */
  offset?: number;
  maxBytes?: number;
}
export interface ReadStoredFileResult {
  path: string;
  /** Whole file size in bytes. */
  size: number;
  offset: number;
  /** base64 of bytes [offset, offset + length). */
  data: string;
  /** Guessed from the extension. */
  contentType: string;
  modifiedAt: number;
}
/** One reply stays well under NATS's default 1 MiB payload after base64. */
export const READ_STORED_FILE_MAX_BYTES = 512 * 1024;

/**
 * Claim streams the executor writes in the same transaction as a container's first events, so a
 * repeated request or a redelivered event never makes a second container:
 * - `launch_key-<orgId>-<sha256(key)>`: a launch idempotency key → the container it queued;
 * - `container_retry-<failedContainerId>`: a failed container → its retry.
 */
export const LAUNCH_KEY_STREAM_TYPE = 'launch_key';
export const CONTAINER_RETRY_STREAM_TYPE = 'container_retry';
export const ContainerClaimEventType = {
  LaunchKeyClaimed: 'LaunchKeyClaimed',
  RetryClaimed: 'RetryClaimed',
} as const;
export interface ContainerClaimData {
  orgId: number;
  /** The container queued under the claim. */
  containerId: number;
}

/** An org's global object (a script's `getGlobalObject()` / `setGlobalObject()`), stream `org_object-<orgId>`. */
export const ORG_OBJECT_STREAM_TYPE = 'org_object';
export const OrgGlobalObjectSaved = 'OrgGlobalObjectSaved';
export interface OrgGlobalObjectSavedData {
  orgId: number;
  /** JSON object text; null clears it. */
  globalObject: string | null;
  /** The container whose script saved it. */
  containerId: number;
  savedAt: number;
}
