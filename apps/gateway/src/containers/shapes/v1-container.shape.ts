import type { AgentOutputParams, AgentOutputResult, ContainerLaunchType, ContainerMessageView, ContainerView } from '@agentry/contracts';
import { toV1Time } from '../../http/shapes.js';
import { parseResultObject } from './result-object.js';

/** v1 knows two launch types: launched by someone (UI or API) or by the platform (schedules, chaining, retries). */
export const v1LaunchType = (launchType: ContainerLaunchType): 'manual' | 'automatic' =>
  launchType === 'manual' || launchType === 'user api call' ? 'manual' : 'automatic';

const END_STATUS = { complete: 'success', failed: 'error', cancelled: 'cancelled' } as const;

/** The v1 API `lastEndStatus`: success / error / cancelled, or "launch failed" for a container that could not run. */
export function v1EndStatus(container: ContainerView): string | null {
  if (container.finalStatus === null) return null;
  return container.launchFailed ? 'launch failed' : END_STATUS[container.finalStatus];
}

/** One entry of the v1 API `containers.json` (times in seconds). */
export const v1ContainerRecord = (c: ContainerView) => ({
  id: c.id,
  queueDate: toV1Time(c.queuedAt),
  launchDate: toV1Time(c.startedAt),
  launchType: v1LaunchType(c.launchType),
  launchNumber: c.launchNumber,
  endDate: toV1Time(c.endedAt),
  lastEndMessage: c.endMessage,
  lastEndStatus: v1EndStatus(c),
  exitCode: c.exitCode,
});

export const v1Message = (m: ContainerMessageView) => ({ id: m.id, date: toV1Time(m.date), text: m.text, type: m.type, context: m.context });

/**
 * The v1 API `output.json`: `containerStatus` only in track mode, `resultObject` only when the
 * script set one.
 */
export function v1Output(result: AgentOutputResult, mode: NonNullable<AgentOutputParams['mode']>) {
  const hasResult = result.resultObject !== null && result.resultObject !== undefined;
  return {
    agentStatus: result.agentStatus,
    ...(mode === 'track' ? { containerStatus: result.containerStatus ?? 'not running' } : {}),
    runningContainers: result.runningContainers,
    queuedContainers: result.queuedContainers,
    containerId: result.containerId,
    progress: result.progress,
    messages: result.messages.map(v1Message),
    output: result.output,
    outputPos: result.outputPos,
    ...(hasResult ? { resultObject: parseResultObject(result.resultObject) } : {}),
  };
}
