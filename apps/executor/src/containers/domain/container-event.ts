import { ContainerRuntimeEventType, type ContainerEvent, type ContainerMessageAddedData } from '@agentry/contracts';

export type { ContainerEvent };

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
