export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  traceId?: string;
  actor?: { orgId?: number; userId?: number; keyId?: number };
  [k: string]: unknown;
}

export interface NewEvent<D = unknown> {
  /** uuid; random when absent. Re-appending a stored id is a no-op (safe retries). */
  eventId?: string;
  type: string;
  /** Default 1. */
  schemaVersion?: number;
  data: D;
  metadata?: EventMetadata;
}

/** A place in the whole log, ordered by (transactionId, globalPosition). */
export interface LogPosition {
  /** xid8 as a decimal string. */
  transactionId: string;
  /** bigint as a decimal string. */
  globalPosition: string;
}

export interface StoredEvent<D = unknown> {
  globalPosition: string;
  transactionId: string;
  streamId: string;
  streamType: string;
  /** 1-based. */
  streamPosition: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: D;
  metadata: EventMetadata;
  /** Unix milliseconds. */
  createdAt: number;
}

/** Exact current version (0 = the stream must not exist yet), 'any', or 'no_stream' (same as 0). */
export type ExpectedVersion = number | 'any' | 'no_stream';

export interface AppendResult {
  nextVersion: number;
  /** Of the last event. */
  position: LogPosition;
  /** False when the event ids were already stored (an idempotent retry): nothing was written. */
  appended: boolean;
}
