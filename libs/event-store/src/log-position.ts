import type { LogPosition, StoredEvent } from './types.js';

/** Before every event. */
export const LOG_START: LogPosition = { transactionId: '0', globalPosition: '0' };

export const positionOf = (event: StoredEvent): LogPosition => ({
  transactionId: event.transactionId,
  globalPosition: event.globalPosition,
});

/** Negative when a is before b, 0 when equal, positive after. */
export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  const byTransaction = compareDecimal(a.transactionId, b.transactionId);
  return byTransaction !== 0 ? byTransaction : compareDecimal(a.globalPosition, b.globalPosition);
}

function compareDecimal(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
