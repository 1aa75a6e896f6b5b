import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import type { MsgHdrs } from '@nats-io/transport-node';
import { Observable, tap } from 'rxjs';
import type { RpcReply } from '@agentry/contracts';
import { isSafeRequestId, runWithLogContext, SpanKind, startSpan } from '@agentry/service-kit';
import { traceFromHeaders } from './trace-headers.js';

const logger = new Logger('Rpc');

/**
 * Every NATS handler of a service runs in its caller's log context: the request id and trace
 * context from the message headers (or the envelope's `requestId`), the org of the actor. So
 * every line the handler logs, every RPC it makes and every event it appends carries them; the
 * handler is a span (child of the caller's), exported when tracing is configured. Each
 * handled request is logged at debug level with its outcome (subject, time, error code; never
 * the payload, which may carry secrets).
 */
@Injectable()
export class RpcLogContextInterceptor implements NestInterceptor {
  constructor(private readonly service: string) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const rpc = context.switchToRpc();
    const envelope = rpc.getData<{ requestId?: unknown; actor?: { orgId?: unknown } } | undefined>();
    const nats = rpc.getContext<NatsContext | undefined>();
    const subject = typeof nats?.getSubject === 'function' ? nats.getSubject() : 'rpc';
    const fromHeaders = traceFromHeaders(typeof nats?.getHeaders === 'function' ? (nats.getHeaders() as MsgHdrs | undefined) : undefined);
    const requestId = fromHeaders.requestId ?? (isSafeRequestId(envelope?.requestId) ? envelope.requestId : undefined);
    const orgId = typeof envelope?.actor?.orgId === 'number' ? envelope.actor.orgId : undefined;
    const span = startSpan(subject, SpanKind.SERVER, fromHeaders.traceparent, {
      'rpc.system': 'nats',
      'rpc.method': subject,
      'agentry.service': this.service,
      'agentry.request_id': requestId,
    });
    return new Observable((subscriber) =>
      runWithLogContext({ service: this.service, requestId, traceparent: span.traceparent, orgId }, () => {
        const started = performance.now();
        const ms = () => `${Math.round(performance.now() - started)} ms`;
        // next.handle() binds the handler to the async context it is called in: this one.
        return next
          .handle()
          .pipe(
            tap({
              next: (reply) => {
                const error = (reply as RpcReply<unknown> | undefined)?.ok === false ? (reply as { error: { code: string } }).error.code : undefined;
                logger.debug(error ? `${subject} answered ${error} in ${ms()}` : `${subject} answered in ${ms()}`);
                span.setAttribute('agentry.error_code', error);
                span.end(error === 'INTERNAL' || error === 'SERVICE_UNAVAILABLE' ? { error } : {});
              },
              error: (err: unknown) => {
                logger.debug(`${subject} failed in ${ms()}: ${err instanceof Error ? err.name : 'error'}`);
                span.end({ error: err instanceof Error ? err.name : 'error' });
              },
              finalize: () => span.end(),
            }),
          )
          .subscribe(subscriber);
      }),
    );
  }
}
