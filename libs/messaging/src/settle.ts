import type { JsMsg } from '@nats-io/jetstream';

export type Settlement = 'ack' | 'nak' | 'term';

/**
 * Acks, naks (after `delayMs`) or terminates a JetStream delivery, never throwing: a lost
 * settlement (e.g. the connection closed) only means the server redelivers after ack_wait, which
 * every consumer tolerates (at-least-once, idempotent handlers). `onLost` hears why, for a log
 * line. Answers null, so a handler can `return settle(…)`.
 */
export function settle(msg: JsMsg, outcome: Settlement, delayMs?: number, onLost?: (reason: string) => void): null {
  try {
    if (outcome === 'ack') msg.ack();
    else if (outcome === 'term') msg.term();
    else msg.nak(delayMs);
  } catch (error) {
    onLost?.(`could not ${outcome} ${msg.subject} (${(error as Error).message}); it will be redelivered`);
  }
  return null;
}
