import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What a log line should say about the work it belongs to. Set where work enters a service (an
 * HTTP request in the gateway, an RPC handler, a run) and read by the logger and by outgoing RPC
 * calls, so the request id travels without being threaded through every function.
 */
export interface LogContext {
  /** The service doing the work (when several run in one process, e.g. tests). */
  service?: string;
  /** The client's X-Request-Id (validated) or one the gateway generated. */
  requestId?: string;
  /** W3C trace context of the request (`00-<trace id>-<span id>-<flags>`). */
  traceparent?: string;
  orgId?: number;
  containerId?: number;
}

const storage = new AsyncLocalStorage<LogContext>();

export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}

/** Runs `fn` with the current context plus `fields` (fields left undefined keep the outer value). */
export function runWithLogContext<T>(fields: LogContext, fn: () => T): T {
  const merged: LogContext = { ...currentLogContext() };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  return storage.run(merged, fn);
}
