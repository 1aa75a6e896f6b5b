import { randomBytes, randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';
export const TRACEPARENT_HEADER = 'traceparent';

/**
 * A request id a client may choose: short and of a charset that is safe in a log line, a header
 * and a JSON field (no spaces, quotes, control characters or newlines that could forge log lines).
 */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export const isSafeRequestId = (value: unknown): value is string => typeof value === 'string' && SAFE_REQUEST_ID.test(value);

/** The client's id when it is safe, otherwise a fresh one (a bad id is replaced, not refused: it is the client's label, not input). */
export function acceptRequestId(raw: unknown): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  return isSafeRequestId(value) ? value : randomUUID();
}

/** W3C trace context, version 00: trace id and parent id lowercase hex, neither all zeros. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function isValidTraceparent(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = TRACEPARENT.exec(value);
  return !!m && !/^0+$/.test(m[1]!) && !/^0+$/.test(m[2]!);
}

/**
 * Trace and span ids are cut from one buffer of random bytes refilled 4 KiB at a time: one
 * `randomBytes` call (a getrandom syscall) per id was 8% of the gateway's busy time on cached reads.
 * They are labels, not secrets; each byte is used once.
 */
const RANDOM_POOL_BYTES = 4096;
let randomPool = Buffer.alloc(0);
let randomPoolUsed = 0;

function randomHex(bytes: number): string {
  if (randomPoolUsed + bytes > randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomPoolUsed = 0;
  }
  randomPoolUsed += bytes;
  return randomPool.toString('hex', randomPoolUsed - bytes, randomPoolUsed);
}

/**
 * The trace context for work done on behalf of a caller: the caller's trace id with a new span
 * id (this hop), or a new trace when the caller sent none or an invalid one.
 */
export function childTraceparent(parent: unknown): string {
  const value = Array.isArray(parent) ? parent[0] : parent;
  const traceId = isValidTraceparent(value) ? value.slice(3, 35) : randomHex(16);
  const flags = isValidTraceparent(value) ? value.slice(-2) : '01';
  return `00-${traceId}-${randomHex(8)}-${flags}`;
}

export const traceIdOf = (traceparent: string | undefined): string | undefined => (isValidTraceparent(traceparent) ? traceparent.slice(3, 35) : undefined);
