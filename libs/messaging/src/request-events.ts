import type { Actor } from '@agentry/contracts';
import type { EventMetadata, NewEvent } from '@agentry/event-store';

/** Who caused an event: the request's actor (absent for the platform's own work) and request id. A `RequestEnvelope` is one. */
export interface EventCause {
  actor?: Pick<Actor, 'orgId' | 'userId' | 'keyId'>;
  requestId?: string;
}

/** Event metadata naming who asked (only their ids: never roles or anything else of the actor) and the request id, for tracing. */
export function requestMetadata(by: EventCause = {}): EventMetadata {
  const metadata: EventMetadata = {};
  if (by.actor) metadata.actor = { orgId: by.actor.orgId, userId: by.actor.userId, keyId: by.actor.keyId };
  if (by.requestId) metadata.correlationId = by.requestId;
  return metadata;
}

/** A domain event as the store takes it, carrying who asked and the request id. */
export function toNewEvent(event: { type: string; data: unknown }, by?: EventCause): NewEvent {
  return { type: event.type, data: event.data, metadata: requestMetadata(by) };
}
