import type { AgentOutputResult, ContainerMessageView, ContainerView, FetchContainerResult, RunningContainersResult } from '@agentry/contracts';
import { toV2Id } from '../../http/shapes.js';

/** v2 statuses (the `prevStatus` vocabulary of `agents/fetch-output`). */
export type V2ContainerStatus = 'starting' | 'running' | 'finished' | 'launch error';

export function v2Status(c: ContainerView): V2ContainerStatus {
  if (c.status === 'queued') return 'starting';
  if (c.status === 'running') return 'running';
  return c.launchFailed ? 'launch error' : 'finished';
}

/** A message type as a v2 runtime event `slug` (`^[a-zA-Z0-9-_]+$`, at most 100 characters). */
const slugOf = (type: string): string => type.replace(/[^a-zA-Z0-9_-]+/g, '-').slice(0, 100) || 'message';

/**
 * A script's message as a v2 runtime event: the documented `slug` (its message type) and `timestamp`
 * (Unix ms), plus Agentry's `id`, `date`, `messageType` and `context`.
 */
export const v2RuntimeEvent = (m: ContainerMessageView) => ({
  slug: slugOf(m.type),
  timestamp: m.date,
  id: String(m.id),
  type: 'message' as const,
  date: m.date,
  messageType: m.type,
  text: m.text,
  context: m.context,
});

/** A container record: string ids, ms times; the `with*` extras only when they were asked for. */
export function v2Container(c: FetchContainerResult) {
  return {
    id: String(c.id),
    agentId: String(c.agentId),
    status: v2Status(c),
    createdAt: c.queuedAt,
    launchedAt: c.startedAt,
    endedAt: c.endedAt,
    launchType: c.launchType,
    launchNumber: c.launchNumber,
    endType: c.endType,
    endMessage: c.endMessage,
    exitCode: c.exitCode,
    retryNumber: c.retryNumber,
    retryOfContainerId: toV2Id(c.retryOfContainerId),
    agentVersionId: c.agentVersionId,
    progress: c.progress,
    outputLength: c.outputLength,
    // What the launch was tagged with (`agents/launch` `userCustomMetadata` / `internalMetadata`); null when none.
    userCustomMetadata: c.userCustomMetadata ?? null,
    internalMetadata: c.internalMetadata ?? null,
    // Agentry's addition: the result files the run stored (`<csvName>.csv` / `<jsonName>.json` in the agent's storage folder), null when none.
    csvName: c.csvName ?? null,
    jsonName: c.jsonName ?? null,
    ...(c.resultObject !== undefined ? { resultObject: c.resultObject } : {}),
    ...(c.output !== undefined ? { output: c.output, outputPos: c.outputPos } : {}),
    ...(c.runtimeEvents !== undefined ? { runtimeEvents: c.runtimeEvents.map(v2RuntimeEvent) } : {}),
    // The document types both as strings: the newest / oldest container has none, so it is left out (not null).
    ...(c.newerContainerId ? { newerContainerId: String(c.newerContainerId) } : {}),
    ...(c.olderContainerId ? { olderContainerId: String(c.olderContainerId) } : {}),
  };
}

/**
 * v2 `agents/fetch-output`: the most recent container's output from `fromOutputPos`, its runtime
 * events from `prevRuntimeEventIndex` (an index into the container's events, reset when the
 * container changed).
 */
export function v2AgentOutput(result: AgentOutputResult, prev: { containerId?: number; runtimeEventIndex: number }) {
  const container = result.container ?? null;
  const sameContainer = prev.containerId !== undefined && prev.containerId === result.containerId;
  const from = sameContainer ? prev.runtimeEventIndex : 0;
  return {
    containerId: toV2Id(result.containerId),
    status: container ? v2Status(container) : 'never launched',
    output: result.output,
    outputPos: result.outputPos,
    runtimeEvents: result.messages.slice(from).map(v2RuntimeEvent),
    nextRuntimeEventIndex: Math.max(result.messages.length, from),
    // The document's `progress` is a number (0..1) beside its `progressLabel`; the runtime is Agentry's.
    ...(result.progress ? { progress: result.progress.progress, progressLabel: result.progress.label ?? '', progressRuntime: result.progress.runtime } : {}),
    ...(container?.endedAt ? { mostRecentEndedAt: container.endedAt } : {}),
    isAgentRunning: result.agentStatus === 'running',
    // A running container can be stopped with `agents/stop {softAbort: true}` (the script is told first).
    canSoftAbort: result.agentStatus === 'running',
    isAgentQueued: result.agentStatus === 'queued',
    runningContainers: result.runningContainers,
    queuedContainers: result.queuedContainers,
    exitCode: container?.exitCode ?? null,
    endType: container?.endType ?? null,
    endMessage: container?.endMessage ?? null,
    containerStartedAt: container?.startedAt ?? null,
    containerEndedAt: container?.endedAt ?? null,
    ...(result.resultObject !== undefined ? { resultObject: result.resultObject } : {}),
  };
}

export const v2RunningContainer = (c: RunningContainersResult['containers'][number]) => ({
  id: String(c.id),
  agentId: String(c.agentId),
  agentName: c.agentName,
  createdAt: c.createdAt,
  retryNumber: c.retryNumber,
  launchType: c.launchType,
  scriptSlug: c.scriptSlug,
});
