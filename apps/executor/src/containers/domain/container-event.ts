import { ContainerRuntimeEventType, type ContainerEvent, type ContainerMessageAddedData } from '@agentry/contracts';

export type { ContainerEvent };

export type MessageType = ContainerMessageAddedData['type'];

type ContainerEventOfType<T extends ContainerEvent['type']> = Extract<ContainerEvent, { type: T }>;

/** The first event of `type` among `events`, narrowed to that type (its data typed), if there is one. */
export function firstOfType<T extends ContainerEvent['type']>(events: readonly ContainerEvent[], type: T): ContainerEventOfType<T> | undefined {
  return events.find((event): event is ContainerEventOfType<T> => event.type === type);
}

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
