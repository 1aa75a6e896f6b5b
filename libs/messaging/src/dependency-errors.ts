import { ClosedConnectionError, ConnectionError, DrainingConnectionError, NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';

/** Socket errors meaning the server is not there (refused, reset, unreachable, name not resolved). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Postgres SQLSTATEs of a server that can't serve now: class 08 (connection exception),
 * 57P01–57P03 (admin / crash shutdown, cannot connect now), 53300 (too many connections).
 */
const PG_UNAVAILABLE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/** node-postgres and its pool say "the connection went away" in messages, without a code. */
const PG_CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|Cannot use a pool after calling end/i;

/**
 * True when `err` means a dependency (Postgres, NATS, JetStream) is down or unreachable, as
 * opposed to a bug: such failures answer SERVICE_UNAVAILABLE (503 with Retry-After), so a client
 * retries instead of seeing "Internal error". Follows TypeORM's `driverError`, `cause` and
 * `AggregateError` (Node's happy-eyeballs connect) down a few levels.
 */
export function isDependencyUnavailable(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 4) return false;
  if (
    err instanceof TimeoutError ||
    err instanceof RequestError ||
    err instanceof NoRespondersError ||
    err instanceof ClosedConnectionError ||
    err instanceof DrainingConnectionError ||
    err instanceof ConnectionError
  ) {
    return true;
  }
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || PG_UNAVAILABLE.test(code))) return true;
  const message = (err as { message?: unknown }).message;
  if (typeof message === 'string' && PG_CONNECTION_MESSAGES.test(message)) return true;
  if (err instanceof AggregateError && err.errors.some((e) => isDependencyUnavailable(e, depth + 1))) return true;
  const inner = (err as { driverError?: unknown; cause?: unknown }).driverError ?? (err as { cause?: unknown }).cause;
  return isDependencyUnavailable(inner, depth + 1);
}
