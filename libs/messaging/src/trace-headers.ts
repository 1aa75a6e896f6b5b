import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { RequestEnvelope } from '@agentry/contracts';
import type { StoredEvent } from '@agentry/event-store';
import { currentLogContext, isSafeRequestId, isValidTraceparent, REQUEST_ID_HEADER, TRACEPARENT_HEADER, type LogContext } from '@agentry/service-kit';

/**
 * NATS headers carrying the current request's id and W3C trace context to the next service
 * (undefined when there is none: a message without headers stays a plain message).
 */
export function traceHeaders(ctx: LogContext = currentLogContext()): MsgHdrs | undefined {
  if (!ctx.requestId && !ctx.traceparent) return undefined;
  const h = natsHeaders();
  if (ctx.requestId) h.set(REQUEST_ID_HEADER, ctx.requestId);
  if (ctx.traceparent) h.set(TRACEPARENT_HEADER, ctx.traceparent);
  return h;
}

/** The request id and trace context a message carries; values that fail validation are dropped. */
export function traceFromHeaders(h: MsgHdrs | undefined): Pick<LogContext, 'requestId' | 'traceparent'> {
  const requestId = h?.get(REQUEST_ID_HEADER);
  const traceparent = h?.get(TRACEPARENT_HEADER);
  return {
    ...(isSafeRequestId(requestId) ? { requestId } : {}),
    ...(isValidTraceparent(traceparent) ? { traceparent } : {}),
  };
}

/** The envelope with the current request id when the caller set none: handlers record it as the events' correlation id. */
export function withRequestId<P>(envelope: RequestEnvelope<P>, ctx: LogContext = currentLogContext()): RequestEnvelope<P> {
  if (envelope.requestId || !ctx.requestId) return envelope;
  return { ...envelope, requestId: ctx.requestId };
}

/**
 * The log context of work caused by a stored event: the request that appended it (its
 * `correlationId`) and its org. So what a consumer does about an event — a retry, a republished
 * launch — is logged and recorded under the request that started it all.
 */
export function eventLogContext(event: Pick<StoredEvent, 'metadata'>): Pick<LogContext, 'requestId' | 'orgId'> {
  const correlationId = event.metadata?.correlationId;
  const orgId = event.metadata?.actor?.orgId;
  return {
    ...(isSafeRequestId(correlationId) ? { requestId: correlationId } : {}),
    ...(typeof orgId === 'number' ? { orgId } : {}),
  };
}
