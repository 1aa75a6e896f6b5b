import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { acceptRequestId, httpRequestDuration, runWithLogContext, SpanKind, startSpan, type LogContext, type Span } from '@agentry/service-kit';

const accessLog = new Logger('Http');
const CONTEXT = Symbol('agentry.logContext');
const SPAN = Symbol('agentry.span');
type WithContext = FastifyRequest & { [CONTEXT]?: LogContext; [SPAN]?: Span; actor?: { orgId?: number } };

/**
 * Where a request id starts: the client's `X-Request-Id` when it is short and of safe characters,
 * otherwise a generated one; answered back in `X-Request-Id`. The request (guards, handlers, the
 * error filter, every RPC they make) runs in a log context carrying it and a W3C `traceparent`
 * (the client's trace id, or a new trace; this request is a span of it), so they reach the services in NATS headers and the
 * events in their metadata. One access line per response (method, path without the query string —
 * it may hold `key=` — status, duration, org) and one latency observation by route pattern.
 *
 * Registered on the Fastify instance before Nest adds its routes. The context is entered twice:
 * on request, and again before the handler, because body parsing resumes from stream callbacks
 * that do not carry the request's async context.
 */
export function registerRequestContext(fastify: FastifyInstance, service = 'gateway'): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const parent = request.headers['traceparent'];
    const route = request.routeOptions?.url ?? 'unmatched';
    const span = startSpan(`${request.method} ${route}`, SpanKind.SERVER, Array.isArray(parent) ? parent[0] : parent, {
      'http.request.method': request.method,
      'http.route': route,
      'agentry.service': service,
    });
    const context: LogContext = { service, requestId: acceptRequestId(request.headers['x-request-id']), traceparent: span.traceparent };
    (request as WithContext)[CONTEXT] = context;
    (request as WithContext)[SPAN] = span;
    span.setAttribute('agentry.request_id', context.requestId);
    reply.header('X-Request-Id', context.requestId);
    runWithLogContext(context, done);
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    runWithLogContext((request as WithContext)[CONTEXT] ?? {}, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const r = request as WithContext;
    // The route pattern (`/api/v1/agent/:id/launch`), never the raw path: bounded label values.
    const route = request.routeOptions?.url ?? 'unmatched';
    httpRequestDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    r[SPAN]?.setAttribute('http.response.status_code', reply.statusCode);
    r[SPAN]?.setAttribute('agentry.org_id', r.actor?.orgId);
    r[SPAN]?.end(reply.statusCode >= 500 ? { error: `HTTP ${reply.statusCode}` } : {});
    runWithLogContext({ ...(r[CONTEXT] ?? {}), orgId: r.actor?.orgId }, () =>
      accessLog.log(`${request.method} ${request.url.split('?')[0]!.slice(0, 200)} ${reply.statusCode} ${Math.round(reply.elapsedTime)} ms`),
    );
    done();
  });
}
