import { Logger } from '@nestjs/common';
import { ErrorCode, isDomainError, type RpcReply } from '@agentry/contracts';

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
    logger.error(e.message, e.stack);
    return { ok: false, error: { code: ErrorCode.INTERNAL, message: 'Internal error' } };
  }
}
