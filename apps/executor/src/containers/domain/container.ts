import {
  ContainerEventType,
  ContainerRuntimeEventType,
  type ContainerEndedData,
  type ContainerEvent,
  type ContainerQueuedData,
  type ContainerStartedData,
} from '@agentry/contracts';

export type ContainerPhase = 'queued' | 'running' | 'ended';

/** A container, folded from its `container-<id>` stream. */
export interface ContainerState {
  queued: ContainerQueuedData;
  phase: ContainerPhase;
  started: ContainerStartedData | null;
  ended: ContainerEndedData | null;
  abort: { soft: boolean } | null;
  /** Messages written so far (the next one is number messageCount + 1). */
  messageCount: number;
}

/** Folds one event of the container's stream; `switch (event.type)` narrows its data. */
export function evolve(state: ContainerState | null, event: ContainerEvent): ContainerState | null {
  if (event.type === ContainerEventType.ContainerQueued) {
    return { queued: event.data, phase: 'queued', started: null, ended: null, abort: null, messageCount: 0 };
  }
  if (!state) return state;
  switch (event.type) {
    case ContainerEventType.ContainerStarted:
      return state.phase === 'queued' ? { ...state, phase: 'running', started: event.data } : state;
    case ContainerEventType.ContainerEnded:
      return state.phase === 'ended' ? state : { ...state, phase: 'ended', ended: event.data };
    case ContainerRuntimeEventType.ContainerAbortRequested:
      return { ...state, abort: { soft: event.data.soft } };
    case ContainerRuntimeEventType.ContainerMessageAdded:
      return { ...state, messageCount: state.messageCount + 1 };
    default:
      return state;
  }
}

export const fold = (events: readonly ContainerEvent[]): ContainerState | null => events.reduce<ContainerState | null>(evolve, null);
