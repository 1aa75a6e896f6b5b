import { ContainerEventType, ContainerRuntimeEventType, type ContainerEndType, type ContainerFinalStatus } from '@agentry/contracts';
import type { ContainerState } from './container.js';
import { messageEvent, type ContainerEvent, type MessageType } from './container-event.js';
import { END_MESSAGES } from './lifecycle-messages.js';

/** How a process run finished, as the runner reports it. */
export interface RunResult {
  reason: 'exited' | 'time-limit' | 'aborted' | 'output-limit' | 'memory-limit' | 'disk-limit' | 'spawn-failed';
  exitCode: number | null;
  signal: string | null;
  outputLength: number;
}

/** Why a container ends. */
export type EndCause =
  | { kind: 'run'; result: RunResult }
  /** Aborted before it started. */
  | { kind: 'cancelled' }
  /** Its executor stopped heart-beating. */
  | { kind: 'executor-lost' }
  /** Its executor shut down before the run finished (the run's output is sealed all the same). */
  | { kind: 'executor-stopped'; result: RunResult }
  /** It could not start: no script, agent retired or deleted meanwhile. */
  | { kind: 'launch-failed'; message: string };

interface EndSummary {
  status: ContainerFinalStatus;
  endType: ContainerEndType;
  exitCode: number | null;
  endMessage: string;
  messageType: MessageType;
  context: string[];
  launchFailed?: true;
}

export function summarizeEnd(cause: EndCause): EndSummary {
  switch (cause.kind) {
    case 'cancelled':
      return { status: 'cancelled', endType: 'killed', exitCode: null, endMessage: END_MESSAGES.aborted, messageType: 'warning', context: [] };
    case 'executor-lost':
      return { status: 'failed', endType: 'unknown', exitCode: null, endMessage: END_MESSAGES.executorLost, messageType: 'error', context: [] };
    case 'executor-stopped':
      return { status: 'failed', endType: 'unknown', exitCode: null, endMessage: END_MESSAGES.executorStopped, messageType: 'error', context: [] };
    case 'launch-failed':
      return { status: 'failed', endType: 'unknown', exitCode: null, endMessage: cause.message, messageType: 'error', context: [], launchFailed: true };
    case 'run':
      return summarizeRun(cause.result);
  }
}

function summarizeRun(r: RunResult): EndSummary {
  const exit = r.signal ? [`Signal: ${r.signal}`] : r.exitCode === null ? [] : [`Exit code: ${r.exitCode}`];
  switch (r.reason) {
    case 'aborted':
      return { status: 'cancelled', endType: 'killed', exitCode: r.exitCode, endMessage: END_MESSAGES.aborted, messageType: 'warning', context: exit };
    case 'time-limit':
      return { status: 'failed', endType: 'agent timeout', exitCode: r.exitCode, endMessage: END_MESSAGES.timeLimit, messageType: 'error', context: exit };
    case 'output-limit':
      return { status: 'failed', endType: 'killed', exitCode: r.exitCode, endMessage: END_MESSAGES.outputLimit, messageType: 'error', context: exit };
    case 'memory-limit':
      return { status: 'failed', endType: 'killed', exitCode: r.exitCode, endMessage: END_MESSAGES.memoryLimit, messageType: 'error', context: exit };
    case 'disk-limit':
      return { status: 'failed', endType: 'killed', exitCode: r.exitCode, endMessage: END_MESSAGES.diskLimit, messageType: 'error', context: exit };
    case 'spawn-failed':
      return { status: 'failed', endType: 'unknown', exitCode: null, endMessage: END_MESSAGES.spawnFailed, messageType: 'error', context: [] };
    case 'exited': {
      const success = r.exitCode === 0 && r.signal === null;
      return success
        ? { status: 'complete', endType: 'finished', exitCode: 0, endMessage: END_MESSAGES.success, messageType: 'success', context: exit }
        : { status: 'failed', endType: 'finished', exitCode: r.exitCode, endMessage: END_MESSAGES.error, messageType: 'error', context: exit };
    }
  }
}

/**
 * The events that end a container: for a run, the output is sealed first (its final length), then
 * the end message, then `ContainerEnded`. Nothing when it has ended already. A container ended
 * without running here (cancelled while queued, failed launch, executor lost) has no seal: its
 * output, if any, is whatever reached the OUTPUT stream.
 */
export function decideEnd(state: ContainerState, cause: EndCause, now: number): ContainerEvent[] {
  if (state.phase === 'ended') return [];
  const ids = { containerId: state.queued.containerId, agentId: state.queued.agentId };
  const summary = summarizeEnd(cause);
  const events: ContainerEvent[] = [];
  if (cause.kind === 'run' || cause.kind === 'executor-stopped') {
    events.push({ type: ContainerRuntimeEventType.ContainerOutputSealed, data: { ...ids, outputLength: cause.result.outputLength, at: now } });
  }
  events.push(messageEvent(ids, state.messageCount + 1, summary.endMessage, summary.messageType, now, summary.context));
  events.push({
    type: ContainerEventType.ContainerEnded,
    data: {
      ...ids,
      status: summary.status,
      endType: summary.endType,
      exitCode: summary.exitCode,
      endMessage: summary.endMessage,
      endedAt: now,
      ...(summary.launchFailed ? { launchFailed: true } : {}),
    },
  });
  return events;
}
