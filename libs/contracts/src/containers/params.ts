import type { ContainerLaunchType } from '../agents/container-events.js';
import type { ContainerMessageView, ContainerStatus, ContainerView } from './events.js';

export interface LaunchAgentParams {
  agentId: number;
  /** Object or JSON text; absent → the agent's saved argument. */
  argument?: unknown;
  /** Merged over the argument for this launch only (v2 `bonusArgument`). */
  bonusArgument?: unknown;
  /** v1 `command`: only `node` runs; casperjs / phantomjs answer VALIDATION_FAILED. */
  command?: string;
  /** v1 saveLaunchOptions / v2 saveArgument: also save the argument as the agent's default. */
  saveArgument?: boolean;
  launchType: ContainerLaunchType;
  /** Same key (per org) → same container, no second launch. */
  idempotencyKey?: string;
  /** Launch only when fewer instances are running/queued (v2 `maxInstanceCount`). */
  maxInstanceCount?: number;
  /** Earliest start (ms), e.g. v2 launch-soon. */
  notBefore?: number;
  /** v2 launch `userCustomMetadata`: the caller's flat key-value tags, kept on the container (and its retries). */
  userCustomMetadata?: unknown;
  /** v2 launch `internalMetadata`: same bounds, kept apart (what PhantomBuster's own UI tags containers with). */
  internalMetadata?: unknown;
}
/** `Subjects.executor.verifyRunKey` (anonymous, like the registry's key check). */
export interface VerifyRunKeyParams {
  key?: string | null;
}

export interface LaunchAgentResult {
  containerId: number;
  queuedAt: number;
  /**
   * Only when this call created the container: the state it was created in (`ended`: refused at
   * launch). Absent when an earlier launch with the same idempotency key created it. Lets a stream
   * opened with the launch start without asking what it already knows (nothing stored yet).
   */
  createdAs?: 'queued' | 'ended';
}

export interface AbortAgentParams {
  agentId: number;
  /** Only this container; absent → every running and queued container of the agent. */
  containerId?: number;
  /** Let the script notice (getTimeLeft() = -1) before the hard kill. */
  soft?: boolean;
}
export interface AbortAgentResult {
  containerIds: number[];
}

export interface FetchContainerParams {
  containerId: number;
  withResultObject?: boolean;
  withOutput?: boolean;
  withRuntimeEvents?: boolean;
  withNewerAndOlderContainerId?: boolean;
}
export interface FetchContainerResult extends ContainerView {
  /**
   * `withOutput`: the UTF-8 text of bytes [0, outputPos). At most one reply's worth (128 KiB); page on with
   * `containerOutput` from `outputPos` for the rest.
   */
  output?: string;
  outputPos?: number;
  runtimeEvents?: ContainerMessageView[];
  newerContainerId?: number | null;
  olderContainerId?: number | null;
}

export interface ListContainersParams {
  agentId: number;
  limit?: number;
  /** `finalized`: ended only (v1 containers.json). */
  mode?: 'all' | 'finalized';
  beforeEndedAt?: number;
}
export interface ListContainersResult {
  containers: ContainerView[];
  maxLimitReached: boolean;
}

export interface ContainerOutputParams {
  containerId: number;
  fromOutputPos?: number;
  /** Max bytes answered (default: all available, capped by the service). */
  maxBytes?: number;
}
export interface ContainerOutputResult {
  containerId: number;
  /** UTF-8 text of bytes [fromOutputPos, outputPos), never splitting a character. */
  output: string;
  outputPos: number;
  status: ContainerStatus;
  /** True once the container has ended and `outputPos` is the end of its output: nothing more will come. */
  complete: boolean;
}

/** The v1 API `output.json`. */
export interface AgentOutputParams {
  agentId: number;
  mode?: 'track' | 'most-recent';
  containerId?: number;
  fromOutputPos?: number;
  fromMessageId?: number;
}
export interface AgentOutputResult {
  agentStatus: 'running' | 'queued' | 'not running';
  containerStatus?: 'running' | 'queued' | 'not running';
  runningContainers: number;
  queuedContainers: number;
  containerId: number | null;
  progress: { progress: number; label: string | null; runtime: number } | null;
  messages: ContainerMessageView[];
  output: string;
  outputPos: number;
  resultObject?: string | null;
  /** The selected container's record (launch / end details for v2 `fetch-output`), null when the agent never ran. */
  container?: ContainerView | null;
}

export interface RunningContainersResult {
  containers: {
    id: number;
    agentId: number;
    agentName: string | null;
    createdAt: number;
    retryNumber: number;
    launchType: ContainerLaunchType;
    scriptSlug: string | null;
  }[];
}
