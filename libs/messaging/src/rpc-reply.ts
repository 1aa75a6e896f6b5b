import { Logger } from '@nestjs/common';
import { ErrorCode, isDomainError, type RpcReply } from '@agentry/contracts';
import { isDependencyUnavailable } from './dependency-errors.js';
import { SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS } from './rpc-client.js';

const logger = new Logger('RpcReply');

/**
 * Runs a handler body and wraps its outcome in the `RpcReply` envelope. Domain errors travel with their
 * code; anything else is an internal error whose details stay in the log (message and stack only: the
 * request payload may carry secrets, so it is never logged).
 */
export async function rpcReply<T>(fn: () => Promise<T> | T): Promise<RpcReply<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (err) {
    if (isDomainError(err)) return { ok: false, error: err.toWire() };
    const e = err instanceof Error ? err : new Error(String(err));
    // Postgres or NATS down is not a bug: the caller is told to retry (503), not "Internal error".
    if (isDependencyUnavailable(err)) {
      logger.warn(`dependency unavailable: ${e.message}`);
      return {
        ok: false,
        error: {
          code: ErrorCode.SERVICE_UNAVAILABLE,
          message: 'Service temporarily unavailable, retry later',
          retryAfterSeconds: SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS,
        },
      };
    }
    logger.error(e.message, e.stack);
    return { ok: false, error: { code: ErrorCode.INTERNAL, message: 'Internal error' } };
  }
}
