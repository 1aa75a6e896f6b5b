import {
  ContainerEventType,
  ContainerRuntimeEventType,
  type ContainerAbortRequestedData,
  type ContainerEndedData,
  type ContainerMessageAddedData,
  type ContainerOutputSealedData,
  type ContainerProgressedData,
  type ContainerQueuedData,
  type ContainerResultObjectSetData,
  type ContainerStartedData,
} from '@agentry/contracts';

/** Every event of a `container-<id>` stream the executor writes. */
export type ContainerEvent =
  | { type: typeof ContainerEventType.ContainerQueued; data: ContainerQueuedData }
  | { type: typeof ContainerEventType.ContainerStarted; data: ContainerStartedData }
  | { type: typeof ContainerEventType.ContainerEnded; data: ContainerEndedData }
  | { type: typeof ContainerRuntimeEventType.ContainerMessageAdded; data: ContainerMessageAddedData }
  | { type: typeof ContainerRuntimeEventType.ContainerProgressed; data: ContainerProgressedData }
  | { type: typeof ContainerRuntimeEventType.ContainerResultObjectSet; data: ContainerResultObjectSetData }
  | { type: typeof ContainerRuntimeEventType.ContainerAbortRequested; data: ContainerAbortRequestedData }
  | { type: typeof ContainerRuntimeEventType.ContainerOutputSealed; data: ContainerOutputSealedData };

export type MessageType = ContainerMessageAddedData['type'];

/** Builds the next message event of a container (numbers are 1-based per container). */
export function messageEvent(
  ids: { containerId: number; agentId: number },
  messageNumber: number,
  text: string,
  type: MessageType,
  at: number,
  context: string[] = [],
): ContainerEvent {
  return { type: ContainerRuntimeEventType.ContainerMessageAdded, data: { ...ids, messageNumber, text, type, context, at } };
}
