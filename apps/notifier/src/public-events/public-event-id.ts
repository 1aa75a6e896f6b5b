import { createHash } from 'node:crypto';

/**
 * The public id of the event an internal event becomes: a hash of the internal event id under the
 * contract's namespace. Stable (every republish, replay or rebuild gives the same id, which is also the
 * JetStream `Nats-Msg-Id`), and it reveals nothing of internal ids subscribers should not build on.
 */
export const publicEventIdOf = (internalEventId: string): string =>
  `evt_${createHash('sha256').update(`agentry.events.v1:${internalEventId}`).digest('hex').slice(0, 32)}`;
